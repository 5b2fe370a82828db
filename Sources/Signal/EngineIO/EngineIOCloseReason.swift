/// Why an Engine.IO session ended, as the reference server names it in its `close` event.
public enum EngineIOCloseReason: Sendable, Equatable {
    /// The client sent a `close` packet (Engine.IO protocol v4, packet type 1).
    case clientClosed
    /// No `pong` within `pingTimeout` of a `ping` ("Heartbeat").
    case pingTimeout
    /// The WebSocket went away, or the client aborted the session's transport.
    case transportClosed
    /// The client sent bytes that are not a packet, or a packet out of place.
    case parseError
    /// A second `GET` or `POST` while one is pending ("Sending and receiving data").
    case duplicateRequest
    /// The client reads too slowly: more than `maxBufferedBytes` wait for it.
    case bufferOverflow
    /// The application (e.g. Socket.IO's connect timeout or a `disconnect`) closed it.
    case serverClosed
}
