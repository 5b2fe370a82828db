public import Hummingbird
public import Logging
import Synchronization

/// A Socket.IO v5 server over Engine.IO v4: namespaces with CONNECT middleware, event
/// handlers with acknowledgements both ways, and sockets found by id.
///
/// Mount it on a Hummingbird application with `addRoutes(to:)` (long-polling) and
/// `server: .engineIO([io.engine])` (the WebSocket upgrade, `EngineIOHTTPChannel`).
public final class SocketIOServer: Sendable {
    public let engine: EngineIOServer
    private let namespaces = Mutex<[String: SocketIONamespace]>([:])
    private let clients = Mutex<[String: SocketIOClient]>([:])
    private let socketsByID = Mutex<[String: SocketIOSocket]>([:])

    public init(
        path: String = "/socket.io/",
        configuration: EngineIOConfiguration = .init(),
        logger: Logger = Logger(label: "notrack.socketio")
    ) {
        let relay = DelegateRelay()
        self.engine = EngineIOServer(path: path, configuration: configuration, delegate: relay, logger: logger)
        relay.server.withLock { $0.value = self }
        _ = of("/")
    }

    /// The namespace `name` (`"/"` is the main one), created on first use.
    public func of(_ name: String) -> SocketIONamespace {
        namespaces.withLock { namespaces in
            if let namespace = namespaces[name] { return namespace }
            let namespace = SocketIONamespace(name: name)
            namespaces[name] = namespace
            return namespace
        }
    }

    /// The connected socket with this id, in any namespace.
    public func socket(id: String) -> SocketIOSocket? {
        socketsByID.withLock { $0[id] }
    }

    /// How many sockets are connected, over all namespaces.
    public var socketCount: Int {
        socketsByID.withLock { $0.count }
    }

    /// Adds the long-polling routes for `path` to a router.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        engine.addRoutes(to: router)
    }

    /// Closes every connection (server shutdown).
    public func close() {
        engine.closeAll()
    }

    // MARK: - Used by the clients

    var namespaceNames: Set<String> {
        namespaces.withLock { Set($0.keys) }
    }

    func existingNamespace(_ name: String) -> SocketIONamespace? {
        namespaces.withLock { $0[name] }
    }

    func register(_ socket: SocketIOSocket) {
        socketsByID.withLock { $0[socket.id] = socket }
    }

    func unregister(_ socket: SocketIOSocket) {
        socketsByID.withLock { sockets in
            if sockets[socket.id] === socket { sockets[socket.id] = nil }
        }
    }

    fileprivate func opened(_ connection: EngineIOConnection) {
        let client = SocketIOClient(engine: connection, server: self)
        clients.withLock { $0[connection.id] = client }
        client.startConnectTimer()
    }

    fileprivate func received(_ message: EngineIOData, on connection: EngineIOConnection) async {
        await clients.withLock { $0[connection.id] }?.receive(message)
    }

    fileprivate func closed(_ connection: EngineIOConnection, reason: EngineIOCloseReason) async {
        await clients.withLock { $0.removeValue(forKey: connection.id) }?.closed(reason: SocketIODisconnectReason(reason))
    }
}

/// Forwards Engine.IO events to the Socket.IO server that owns the Engine.IO server
/// (which needs its delegate before the Socket.IO server exists).
private final class DelegateRelay: EngineIOServerDelegate {
    struct WeakServer: Sendable {
        weak var value: SocketIOServer?
    }

    let server = Mutex(WeakServer())

    func engineIOConnectionOpened(_ connection: EngineIOConnection) async {
        server.withLock { $0.value }?.opened(connection)
    }

    func engineIOConnection(_ connection: EngineIOConnection, received message: EngineIOData) async {
        await server.withLock { $0.value }?.received(message, on: connection)
    }

    func engineIOConnectionClosed(_ connection: EngineIOConnection, reason: EngineIOCloseReason) async {
        await server.withLock { $0.value }?.closed(connection, reason: reason)
    }
}
