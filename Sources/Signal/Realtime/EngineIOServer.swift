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

    /// Opens a session and registers it.
    func open(transport: EngineIOTransport, request: EngineIOHandshakeRequest) -> EngineIOConnection {
        let session = EngineIOSession(id: SessionID.make(), transport: transport, configuration: configuration, now: .now)
        let connection = EngineIOConnection(session: session, request: request, server: self)
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
