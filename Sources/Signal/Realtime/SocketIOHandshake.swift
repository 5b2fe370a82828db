/// What a CONNECT middleware sees: the namespace, the client's auth payload (the
/// CONNECT packet's data, `{}` when absent, as the reference server defaults it), and
/// the HTTP request that opened the Engine.IO session.
///
/// Socket.IO protocol v5, "Connection to a namespace".
public struct SocketIOHandshake: Sendable {
    public let namespace: String
    public let auth: JSONValue
    public let request: EngineIOHandshakeRequest
    /// The Engine.IO session id.
    public let engineSessionID: String
    /// Set by middleware (e.g. the authenticated user); becomes the socket's initial `data`.
    public var data: JSONValue = .null
}

/// A refusal of a CONNECT: the client gets CONNECT_ERROR `{"message": ..., "data": ...}`
/// (Socket.IO protocol v5, "Connection to a namespace", refused case).
public struct SocketIOConnectError: Error, Sendable, Equatable {
    public var message: String
    public var data: JSONValue?

    public init(message: String, data: JSONValue? = nil) {
        self.message = message
        self.data = data
    }
}

/// A CONNECT middleware: return to let the client in, throw to refuse it.
public typealias SocketIOMiddleware = @Sendable (inout SocketIOHandshake) async throws(SocketIOConnectError) -> Void

/// A handler for one event name: the socket, the event's arguments (binary ones as
/// `.binary`), and the acknowledgement callback when the client asked for one.
public typealias SocketIOEventHandler = @Sendable (SocketIOSocket, [JSONValue], SocketIOAck?) async -> Void

/// An event handler that cannot suspend: when nothing of its connection waits before it,
/// it runs on the task that read the event, without a task of its own (one thread hand-off
/// less per event).
public typealias SocketIOImmediateEventHandler = @Sendable (SocketIOSocket, [JSONValue], SocketIOAck?) -> Void

/// Answers an event the client sent with an acknowledgement id
/// (Socket.IO protocol v5, "Acknowledgement": an ACK with the same id).
public struct SocketIOAck: Sendable {
    let socket: SocketIOSocket
    public let id: Int

    /// Sends the ACK with these arguments (binary ones make it a BINARY_ACK).
    public func callAsFunction(_ arguments: [JSONValue] = []) {
        socket.send(SocketIOPacket(kind: .ack, namespace: socket.namespace, id: id, data: .array(arguments)))
    }
}

/// Why a server-to-client acknowledgement did not come.
public enum SocketIOAckError: Error, Sendable, Equatable {
    case timeout
    case disconnected
    /// Too many acknowledgements already wait on this socket.
    case tooManyPending
}
