/// Times the server's share of an event relay, for `socketio_event_relay_seconds`: from the
/// moment a WebSocket handler holds a client's whole message to the flush of what that
/// message caused (the relayed event, an ack) on a WebSocket.
///
/// The start travels as a task-local: a received message is handled on its connection's
/// inbound task, and everything the layers above send while handling it (Engine.IO →
/// Socket.IO → the call layer, all awaited on that task) reads it in
/// `EngineIOConnection.send`. The receiving session keeps the earliest start of what waits
/// in its buffer, and its WebSocket handler records one sample per flush. Timers' sends
/// (heartbeats, ring timeouts) carry no start and are not timed, nor are long-polling
/// answers, whose wait is the client's next `GET`. An event that waits behind another
/// handler of its connection runs on that handler's task and keeps its (earlier) start:
/// such a relay is timed too long, never too short.
enum EventRelayClock {
    /// When the message being handled was read; `nil` outside a received message's handling.
    @TaskLocal static var messageReadAt: ContinuousClock.Instant?
}
