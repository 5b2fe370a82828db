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
        /// Only these exact origins, e.g. `https://phone.example.com`. An empty list
        /// allows only requests without an `Origin` header (same-origin and non-browser clients).
        case list([String])

        /// Whether a request carrying this `Origin` header (or none) is allowed.
        public func allows(_ origin: String?) -> Bool {
            guard let origin else { return true }
            switch self {
            case .any: return true
            case .list(let origins): return origins.contains(origin)
            }
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
