/// Settings of the Engine.IO / Socket.IO server, with the reference Node server's
/// production defaults.
///
/// Engine.IO protocol v4, "Handshake" (`pingInterval`, `pingTimeout`, `maxPayload`)
/// and "Heartbeat"; Socket.IO protocol v5, "Connection to a namespace" (`connectTimeout`).
public struct EngineIOConfiguration: Sendable, Equatable {
    /// Which browser origins may use the server.
    public enum AllowedOrigins: Sendable, Equatable {
        /// Any origin (CORS answers with the request's own `Origin`).
        case any
        /// Only these exact origins, e.g. `https://phone.example.com`, and the server's own
        /// origin (pages it serves itself). Requests without `Origin` (non-browser clients)
        /// always pass.
        case list([String])

        /// `http.allowedOrigins` as configured: `*` anywhere in the list means any origin.
        public init(configured origins: [String]) {
            self = origins.contains("*") ? .any : .list(origins)
        }

        /// Whether a request carrying this `Origin` header (or none), sent to `host` (its
        /// `Host` / `:authority`), is allowed.
        public func allows(_ origin: String?, host: String?) -> Bool {
            guard let origin else { return true }
            switch self {
            case .any: return true
            case .list(let origins): return origins.contains(origin) || Self.isSameOrigin(origin, host: host)
            }
        }

        /// Same origin: the origin names exactly the host (and port) the request was sent to.
        static func isSameOrigin(_ origin: String, host: String?) -> Bool {
            guard let host, let schemeEnd = origin.range(of: "://") else { return false }
            return origin[schemeEnd.upperBound...].lowercased() == host.lowercased()
        }
    }

    /// Milliseconds between two server pings.
    public var pingInterval: Int
    /// Milliseconds the client has to answer a ping with a pong.
    public var pingTimeout: Int
    /// Largest accepted HTTP body or WebSocket message, in bytes; also the size up to
    /// which the server fills one polling response.
    public var maxPayload: Int
    /// Milliseconds a new session has to connect to a namespace before it is closed.
    public var connectTimeout: Int
    /// Milliseconds a WebSocket upgrade may take between its probe and its `upgrade` packet.
    public var upgradeTimeout: Int
    /// Bytes of packets that may wait for a slow client before its session is closed.
    public var maxBufferedBytes: Int
    /// Origins allowed for long-polling (CORS) and for the WebSocket upgrade.
    public var allowedOrigins: AllowedOrigins
    /// Sessions that have not sent their first message yet (a Socket.IO client's CONNECT,
    /// with its token, comes at once), per client address (IPv6: per /64) and in total:
    /// a handshake needs no token, so these caps are what bounds a flood of them.
    public var maximumPendingPerAddress = 32
    public var maximumPending = 4096

    /// The longest the server's one timer sleeps (it wakes earlier for a due deadline): a
    /// tenth of the shortest heartbeat period, between 5 ms and 500 ms.
    var timerMaxSleep: Duration {
        .milliseconds(min(max(min(pingInterval, pingTimeout) / 10, 5), 500))
    }

    public init(
        pingInterval: Int = 25_000,
        pingTimeout: Int = 20_000,
        maxPayload: Int = 1_000_000,
        connectTimeout: Int = 45_000,
        upgradeTimeout: Int = 10_000,
        maxBufferedBytes: Int = 4_000_000,
        allowedOrigins: AllowedOrigins = .list([])
    ) {
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
        self.connectTimeout = connectTimeout
        self.upgradeTimeout = upgradeTimeout
        self.maxBufferedBytes = maxBufferedBytes
        self.allowedOrigins = allowedOrigins
    }
}
