import Synchronization

/// One live Engine.IO session: its `EngineIOSession` state machine behind a lock, and the
/// I/O it drives — the waiting long-poll, the WebSocket handlers, and its deadlines on the
/// server's `DeadlineSweeper`.
///
/// Every event takes the lock once, feeds the state machine, and carries out the actions
/// that only touch this object (resuming the poll, commanding a WebSocket handler) before unlocking;
/// calls into the delegate happen after unlocking.
public final class EngineIOConnection: DeadlineTarget {
    /// How a waiting long-poll ends.
    enum PollResult: Sendable, Equatable {
        case packets([EngineIOPacket])
        case error(EngineIOError)
    }

    struct State: Sendable {
        var session: EngineIOSession
        var pollWaiter: CheckedContinuation<PollResult, Never>?
        var active: WebSocketPipe?
        var probe: WebSocketPipe?
        /// The earliest deadline this session has on the sweeper (later entries may linger).
        var armed: ContinuousClock.Instant?
        /// When the earliest received message whose effects wait in the WebSocket buffer
        /// was read (`EventRelayClock`).
        var relayStartedAt: ContinuousClock.Instant?
    }

    enum Deferred: Sendable {
        case opened
        case deliver(EngineIOData)
        case closed(EngineIOCloseReason)
    }

    /// The session id (`sid`).
    public let id: String
    /// The request that opened the session.
    public let request: EngineIOHandshakeRequest
    let server: EngineIOServer
    let state: Mutex<State>
    /// The server's pending-session place, given back at the first message or the close.
    private let pending: PendingHandshake
    /// What the WebSockets received, for the delegate, in order: a WebSocket's handler
    /// cannot await it, and this queue holds a task only while it has work.
    let inbound = SerialJobQueue<Inbound>(
        limit: .max, pauseAt: EngineIOWebSocketHandler.maximumBacklog,
        run: { job in await EventRelayClock.$messageReadAt.withValue(job.readAt) { await job.connection.run(job.work) } },
        caughtUp: { $0.connection.inboundCaughtUp() })

    /// One job of `inbound`. Reading pauses at `pauseAt` waiting jobs, which bounds them.
    struct Inbound: Sendable {
        let connection: EngineIOConnection
        let work: [Deferred]
        /// When the message behind `work` was read, if a client sent one.
        var readAt: ContinuousClock.Instant? = nil
    }

    init(session: EngineIOSession, request: EngineIOHandshakeRequest, server: EngineIOServer, pending: PendingHandshake) {
        self.id = session.id
        self.request = request
        self.server = server
        self.pending = pending
        self.state = Mutex(State(session: session))
    }

    /// The session's transport now.
    public var transport: EngineIOTransport { state.withLock { $0.session.transport } }

    public var isClosed: Bool { state.withLock { $0.session.isClosed } }

    // MARK: - Public API

    /// Queues messages for the client, in order and without interleaving (a Socket.IO
    /// packet and its attachments). A client that does not read closes when its buffer is full.
    public func send(_ messages: [EngineIOData]) {
        let readAt = EventRelayClock.messageReadAt
        event { state in
            if let readAt, state.active != nil {
                state.relayStartedAt = min(state.relayStartedAt ?? readAt, readAt)
            }
            var actions: [EngineIOSession.Action] = []
            for message in messages {
                actions += state.session.send(.message(message))
            }
            return actions
        }
    }

    /// Closes the session. `.serverClosed` first lets the client read what is buffered.
    public func close(_ reason: EngineIOCloseReason = .serverClosed) {
        event { state in state.session.close(reason, now: .now) }
    }

    // MARK: - Events from the transports

    /// Runs one event under the lock, performs the local actions, then the deferred ones.
    @discardableResult
    func event(_ body: (inout State) -> [EngineIOSession.Action]) -> [Deferred] {
        let deferred = state.withLock { state in
            let actions = body(&state)
            let deferred = perform(actions, in: &state)
            reschedule(&state)
            return deferred
        }
        if !deferred.isEmpty {
            Task { await self.run(deferred) }
        }
        return deferred
    }

    /// Like `event`, but awaits the delegate (a long-polling `POST`: messages are handled in
    /// order, and a slow handler slows the request down).
    func receive(_ body: (inout State) -> [EngineIOSession.Action]) async {
        let deferred = state.withLock { state in
            let actions = body(&state)
            let deferred = perform(actions, in: &state)
            reschedule(&state)
            return deferred
        }
        await run(deferred)
    }

    func run(_ deferred: [Deferred]) async {
        for item in deferred {
            switch item {
            case .opened:
                await server.delegate.engineIOConnectionOpened(self)
            case .deliver(let message):
                pending.release()
                await server.delegate.engineIOConnection(self, received: message)
            case .closed(let reason):
                pending.release()
                server.remove(self)
                await server.delegate.engineIOConnectionClosed(self, reason: reason)
            }
        }
    }

    func perform(_ actions: [EngineIOSession.Action], in state: inout State) -> [Deferred] {
        var deferred: [Deferred] = []
        for action in actions {
            switch action {
            case .deliver(let message):
                deferred.append(.deliver(message))
            case .completePoll(let packets):
                state.pollWaiter?.resume(returning: .packets(packets))
                state.pollWaiter = nil
            case .failPoll(let error):
                if let pipe = state.probe ?? state.active {
                    pipe.send(.failPoll(error))
                } else {
                    state.pollWaiter?.resume(returning: .error(error))
                    state.pollWaiter = nil
                }
            case .flushWebSocket:
                state.active?.send(.drain)
            case .sendOnProbe(let packet):
                state.probe?.send(.write(packet))
            case .closeProbe:
                state.probe?.send(.close)
                state.probe = nil
            case .upgraded:
                state.active = state.probe
                state.probe = nil
            case .closed(let reason):
                state.active?.send(.drain)
                state.active?.send(.close)
                state.probe?.send(.close)
                // The state machine answers a pending poll itself; never leave one hanging.
                state.pollWaiter?.resume(returning: .packets([.close]))
                state.pollWaiter = nil
                deferred.append(.closed(reason))
            }
        }
        return deferred
    }

    // MARK: - Deadlines

    /// Arms the heartbeat when the session opens.
    func startTimer() {
        state.withLock { reschedule(&$0) }
    }

    /// Runs what is due before handling a request, so a client never sees a session
    /// that should already have timed out (the sweeper may fire a little late).
    func catchUp(_ state: inout State) -> [EngineIOSession.Action] {
        guard let deadline = state.session.nextDeadline else { return [] }
        let now = ContinuousClock.now
        return now >= deadline ? state.session.tick(now: now) : []
    }

    /// Puts the state machine's next deadline on the sweeper, unless an entry at or before
    /// it is already there (that one re-arms when it fires).
    func reschedule(_ state: inout State) {
        guard let deadline = state.session.nextDeadline else {
            state.armed = nil
            return
        }
        if let armed = state.armed, armed <= deadline { return }
        state.armed = deadline
        server.deadlines.schedule(self, at: deadline)
    }

    func deadlineReached(_ deadline: ContinuousClock.Instant, now: ContinuousClock.Instant) {
        event { state in
            if state.armed == deadline { state.armed = nil }
            return state.session.tick(now: now)
        }
    }
}
