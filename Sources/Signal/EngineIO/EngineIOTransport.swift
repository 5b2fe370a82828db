/// The two Engine.IO v4 transports ("Transports": HTTP long-polling and WebSocket),
/// named as in the `transport` query parameter.
public enum EngineIOTransport: String, Sendable, Equatable {
    case polling
    case websocket
}
