/// Long-polling requests (Engine.IO protocol v4, "HTTP long-polling"): a `GET` receives
/// buffered packets or waits for them, a `POST` carries packets in; a client MUST NOT
/// have two of either pending, else "the server MUST return an HTTP 400 error status
/// and close the session".
extension EngineIOSession {
    /// A `GET` arrived for this session.
    public mutating func poll(now: ContinuousClock.Instant = .now) -> PollOutcome {
        switch phase {
        case .closed:
            return .reject(.unknownSessionID, actions: [])
        case .closing(_, let reason):
            // The caller then calls `finishClosing()` to end the session.
            return .respond(reason == .clientClosed ? [.noop] : drainAll() + [.close])
        case .open:
            break
        }
        guard transport == .polling else {
            // After an upgrade the session lives on its WebSocket; the stray GET is refused alone.
            return .reject(.badRequest, actions: [])
        }
        if pollPending {
            return .reject(.badRequest, actions: close(.duplicateRequest))
        }
        if case .probing = upgrade {
            // The client paused polling to upgrade: end this request cleanly, unless the
            // upgrade completes first (EngineIOSession+Upgrade).
            pollPending = true
            midUpgradePollDeadline = now + Self.midUpgradePollGrace
            return .wait
        }
        if outgoingBytes > 0 {
            return .respond(drainPolling())
        }
        pollPending = true
        return .wait
    }

    /// After `poll()` answered a closing session: the actions that end it.
    public mutating func finishClosing() -> [Action] {
        guard case .closing(_, let reason) = phase else { return [] }
        return finishClosing(reason)
    }

    /// The pending `GET` went away without an answer (the client hung up).
    public mutating func pollAbandoned() {
        pollPending = false
        midUpgradePollDeadline = nil
    }

    /// A `POST` started; `nil` when it may go on, else the error to answer it with
    /// (the session is then closed if it was a duplicate).
    public mutating func beginPost() -> (error: EngineIOError, actions: [Action])? {
        guard phase == .open else { return (.unknownSessionID, []) }
        guard transport == .polling else { return (.badRequest, []) }
        if postPending {
            return (.badRequest, close(.duplicateRequest))
        }
        postPending = true
        return nil
    }

    /// The `POST` that `beginPost` admitted is done.
    public mutating func endPost() {
        postPending = false
    }
}

extension EngineIOSession {
    fileprivate mutating func drainPolling() -> [EngineIOPacket] {
        drainForPolling(limit: configuration.maxPayload)
    }

    fileprivate mutating func drainAll() -> [EngineIOPacket] {
        drainForPolling(limit: .max)
    }
}
