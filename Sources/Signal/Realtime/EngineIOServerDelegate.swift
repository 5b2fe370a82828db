/// What an `EngineIOServer` tells the layer above it (Socket.IO, or the conformance echo).
///
/// For one session, `opened` comes first; `received` calls come one at a time, in the
/// order the client sent the messages (a `POST` waits for each, a WebSocket stops reading
/// while a few wait: the backpressure); `closed` comes once, possibly while a `received`
/// is still running.
public protocol EngineIOServerDelegate: Sendable {
    func engineIOConnectionOpened(_ connection: EngineIOConnection) async
    func engineIOConnection(_ connection: EngineIOConnection, received message: EngineIOData) async
    func engineIOConnectionClosed(_ connection: EngineIOConnection, reason: EngineIOCloseReason) async
}
