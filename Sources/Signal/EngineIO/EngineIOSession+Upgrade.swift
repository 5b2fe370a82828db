/// The upgrade from long-polling to WebSocket (Engine.IO protocol v4, "Upgrade"):
/// the client opens a WebSocket with the session's `sid`, sends `2probe`, gets `3probe`,
/// and completes with `5`; meanwhile a pending `GET` is ended with `noop`.
///
/// A `GET` that arrives once the probe has begun is held for `midUpgradePollGrace`, then
/// ended with `noop`; if the upgrade packet arrives meanwhile it gets 400, as any request
/// after the upgrade ("ignores HTTP requests with same sid after upgrade"). A client that
/// follows the spec sends the upgrade packet only after its pending poll ended, so only a
/// client that polls after upgrading meets the 400: it may send `5` on the WebSocket just
/// before the `GET`, and the two arrive on different connections in either order.
/// "A client MUST NOT open more than one WebSocket connection per session. Should it
/// happen, the server MUST close the WebSocket connection."
extension EngineIOSession {
    static let midUpgradePollGrace = Duration.milliseconds(100)

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
            if pollPending, midUpgradePollDeadline == nil {
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
                actions.append(midUpgradePollDeadline == nil ? .completePoll([.noop]) : .failPoll(.badRequest))
            }
            midUpgradePollDeadline = nil
            actions.append(.upgraded)
            if outgoingBytes > 0 { actions.append(.flushWebSocket) }
            return actions
        default:
            // Anything else means the probe failed; the session goes on polling.
            upgrade = .none
            midUpgradePollDeadline = nil
            return [.closeProbe]
        }
    }

    /// The probing WebSocket closed before the upgrade completed.
    public mutating func probeClosed() {
        if case .probing = upgrade {
            upgrade = .none
            midUpgradePollDeadline = nil
        }
    }
}
