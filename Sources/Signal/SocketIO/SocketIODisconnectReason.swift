/// Why a socket left its namespace, with the reference server's reason strings
/// (the `disconnect` event's argument in socketio/socket.io).
public enum SocketIODisconnectReason: String, Sendable, Equatable {
    /// The client sent DISCONNECT.
    case clientNamespaceDisconnect = "client namespace disconnect"
    /// The server disconnected the socket.
    case serverNamespaceDisconnect = "server namespace disconnect"
    /// The client closed the Engine.IO session (a `close` packet).
    case clientClosed = "forced close"
    /// The transport went away.
    case transportClose = "transport close"
    /// No pong within `pingTimeout`.
    case pingTimeout = "ping timeout"
    /// The client sent a malformed packet.
    case parseError = "parse error"
    /// The client reads too slowly; its buffer bound was reached.
    case transportError = "transport error"
    /// No CONNECT within `connectTimeout`.
    case connectTimeout = "connect timeout"
    /// The server is shutting down or closed the whole connection.
    case serverShuttingDown = "server shutting down"

    /// The reason matching an Engine.IO session's end.
    public init(_ reason: EngineIOCloseReason) {
        switch reason {
        case .clientClosed: self = .clientClosed
        case .pingTimeout: self = .pingTimeout
        case .transportClosed: self = .transportClose
        case .parseError: self = .parseError
        case .duplicateRequest, .bufferOverflow: self = .transportError
        case .serverClosed: self = .serverShuttingDown
        }
    }
}
