public import Logging
import Synchronization

/// An Engine.IO v4 server: the registry of live sessions on one path, shared by the
/// long-polling routes and the WebSocket upgrade (both adapters live in extensions).
///
/// Engine.IO protocol v4, "Transports" and "Handshake". The layer above (Socket.IO)
/// is the `delegate`.
public final class EngineIOServer: Sendable {
    public let configuration: EngineIOConfiguration
    /// The request path served, e.g. `/socket.io/` (a trailing slash is optional).
    public let path: String
    let delegate: any EngineIOServerDelegate
    let logger: Logger
    private let sessions = Mutex<[String: EngineIOConnection]>([:])
    /// Sessions that have not sent their first message, by client address.
    private let pending: Mutex<ConnectionCounts>
    private let nextWebSocketID = Atomic<Int>(0)
    /// The one timer of every session's heartbeat and timeouts.
    let deadlines: DeadlineSweeper

    public init(
        path: String = "/engine.io/",
        configuration: EngineIOConfiguration = .init(),
        delegate: any EngineIOServerDelegate,
        logger: Logger = Logger(label: "notrack.engineio")
    ) {
        self.path = path
        self.configuration = configuration
        self.delegate = delegate
        self.logger = logger
        self.deadlines = DeadlineSweeper(maxSleep: configuration.timerMaxSleep)
        self.pending = Mutex(ConnectionCounts(
            maximumPerAddress: configuration.maximumPendingPerAddress, maximum: configuration.maximumPending))
    }

    /// The live session with this `sid`.
    public func connection(id: String) -> EngineIOConnection? {
        sessions.withLock { $0[id] }
    }

    /// How many sessions are open.
    public var connectionCount: Int {
        sessions.withLock { $0.count }
    }

    /// Whether a request path is this server's (`/socket.io` or `/socket.io/`).
    func serves(path requestPath: Substring) -> Bool {
        let trimmed = { (text: Substring) in text.hasSuffix("/") ? text.dropLast() : text }
        return trimmed(requestPath) == trimmed(path[...])
    }

    /// Takes a pending-session place for a handshake from `remoteAddress`; nil when the
    /// address (or the server) has no place left.
    func admitHandshake(from remoteAddress: String?) -> PendingHandshake? {
        let key = ClientAddress.rateLimitKey(remoteAddress ?? "unknown")
        guard pending.withLock({ $0.admit(key) }) else { return nil }
        return PendingHandshake(key: key, server: self)
    }

    fileprivate func releaseHandshake(_ key: String) {
        pending.withLock { $0.release(key) }
    }

    /// Opens a session and registers it, holding the place `admitHandshake` took.
    func open(transport: EngineIOTransport, request: EngineIOHandshakeRequest, pending: PendingHandshake) -> EngineIOConnection {
        let session = EngineIOSession(id: SessionID.make(), transport: transport, configuration: configuration, now: .now)
        let connection = EngineIOConnection(session: session, request: request, server: self, pending: pending)
        sessions.withLock { $0[connection.id] = connection }
        connection.startTimer()
        logger.debug("engine.io session opened", metadata: ["sid": "\(connection.id)", "transport": "\(transport.rawValue)"])
        return connection
    }

    func remove(_ connection: EngineIOConnection) {
        sessions.withLock { sessions in
            if sessions[connection.id] === connection { sessions[connection.id] = nil }
        }
        logger.debug("engine.io session closed", metadata: ["sid": "\(connection.id)"])
    }

    func makeWebSocketID() -> Int {
        nextWebSocketID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Closes every session (server shutdown).
    public func closeAll() {
        let all = sessions.withLock { Array($0.values) }
        for connection in all { connection.close(.serverClosed) }
    }
}

/// A session's place among those waiting for their first message, given back once:
/// when the first message arrives, when the session ends, or when the WebSocket that was
/// to open it closes first.
final class PendingHandshake: Sendable {
    private let key: String
    private let server: EngineIOServer
    private let released = Atomic<Bool>(false)

    fileprivate init(key: String, server: EngineIOServer) {
        self.key = key
        self.server = server
    }

    func release() {
        if !released.exchange(true, ordering: .relaxed) { server.releaseHandshake(key) }
    }
}
