/// The upgrade from long-polling to WebSocket (Engine.IO protocol v4, "Upgrade"):
/// the client opens a WebSocket with the session's `sid`, sends `2probe`, gets `3probe`,
/// and completes with `5`; meanwhile a pending `GET` is ended with `noop`.
/// "A client MUST NOT open more than one WebSocket connection per session. Should it
/// happen, the server MUST close the WebSocket connection."
extension EngineIOSession {
    /// A WebSocket with this session's `sid` connected; `false` means close it at once.
    public mutating func attachProbe(now: ContinuousClock.Instant) -> Bool {
        guard phase == .open, transport == .polling, upgrade == .none else { return false }
        upgrade = .probing(deadline: now + .milliseconds(configuration.upgradeTimeout))
        probeAnswered = false
        return true
    }

    /// A packet arrived on the probing WebSocket.
    public mutating func receiveOnProbe(_ packet: EngineIOPacket, now: ContinuousClock.Instant) -> [Action] {
        guard phase == .open, case .probing = upgrade else { return [.closeProbe] }
        switch packet {
        case .ping("probe"):
            guard !probeAnswered else { return [] }
            probeAnswered = true
            var actions: [Action] = [.sendOnProbe(.pong("probe"))]
            if pollPending {
                pollPending = false
                actions.append(.completePoll([.noop]))
            }
            return actions
        case .upgrade:
            upgrade = .none
            transport = .websocket
            var actions: [Action] = []
            if pollPending {
                pollPending = false
                actions.append(.completePoll([.noop]))
            }
            actions.append(.upgraded)
            if outgoingBytes > 0 { actions.append(.flushWebSocket) }
            return actions
        default:
            // Anything else means the probe failed; the session goes on polling.
            upgrade = .none
            return [.closeProbe]
        }
    }

    /// The probing WebSocket closed before the upgrade completed.
    public mutating func probeClosed() {
        if case .probing = upgrade { upgrade = .none }
    }
}
