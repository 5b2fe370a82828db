import Synchronization

/// A Socket.IO namespace (Socket.IO protocol v5, "Exchange protocol": multiplexing):
/// its CONNECT middleware, event handlers and connected sockets.
///
/// Register middleware and handlers before clients connect; sockets of a namespace are
/// served by the handlers registered on it.
public final class SocketIONamespace: Sendable {
    struct Handlers: Sendable {
        var middleware: [SocketIOMiddleware] = []
        var events: [String: EventHandler] = [:]
        var connection: [@Sendable (SocketIOSocket) async -> Void] = []
        var disconnection: [@Sendable (SocketIOSocket, SocketIODisconnectReason) async -> Void] = []
    }

    enum EventHandler: Sendable {
        case suspending(SocketIOEventHandler)
        case immediate(SocketIOImmediateEventHandler)
    }

    public let name: String
    private let handlers = Mutex(Handlers())
    private let members = Mutex<[String: SocketIOSocket]>([:])

    init(name: String) {
        self.name = name
    }

    /// Adds a CONNECT middleware; they run in order and the first refusal wins.
    public func use(_ middleware: @escaping SocketIOMiddleware) {
        handlers.withLock { $0.middleware.append(middleware) }
    }

    /// Runs when a client has joined (after its CONNECT reply went out).
    public func onConnection(_ handler: @escaping @Sendable (SocketIOSocket) async -> Void) {
        handlers.withLock { $0.connection.append(handler) }
    }

    /// Runs when a socket has left, with the reason.
    public func onDisconnect(_ handler: @escaping @Sendable (SocketIOSocket, SocketIODisconnectReason) async -> Void) {
        handlers.withLock { $0.disconnection.append(handler) }
    }

    /// Handles the event `name` from any socket of this namespace (one handler per name).
    /// A connection's handlers run one at a time in arrival order; a handler may await
    /// `emitWithAck` on its own socket.
    public func on(_ event: String, _ handler: @escaping SocketIOEventHandler) {
        handlers.withLock { $0.events[event] = .suspending(handler) }
    }

    /// The same for a handler that cannot suspend (Swift picks this one for a closure
    /// without `await`): it runs as soon as the event is read when none of the
    /// connection's handlers is running or waiting, which saves a task per event.
    public func on(_ event: String, _ handler: @escaping SocketIOImmediateEventHandler) {
        handlers.withLock { $0.events[event] = .immediate(handler) }
    }

    /// The connected sockets.
    public var sockets: [SocketIOSocket] {
        members.withLock { Array($0.values) }
    }

    /// Sends an event to every connected socket.
    public func emit(_ event: String, _ arguments: [JSONValue] = []) {
        for socket in sockets { socket.emit(event, arguments) }
    }

    // MARK: - Used by the clients

    func authorize(_ handshake: inout SocketIOHandshake) async throws(SocketIOConnectError) {
        let middleware = handlers.withLock { $0.middleware }
        for step in middleware {
            try await step(&handshake)
        }
    }

    func joined(_ socket: SocketIOSocket) async {
        guard socket.isConnected else { return }
        members.withLock { $0[socket.id] = socket }
        let connection = handlers.withLock { $0.connection }
        for handler in connection { await handler(socket) }
    }

    func left(_ socket: SocketIOSocket, reason: SocketIODisconnectReason) async {
        members.withLock { $0[socket.id] = nil }
        let disconnection = handlers.withLock { $0.disconnection }
        for handler in disconnection { await handler(socket, reason) }
    }

    func handler(for event: String) -> EventHandler? {
        handlers.withLock { $0.events[event] }
    }
}
