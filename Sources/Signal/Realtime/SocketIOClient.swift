import Synchronization

/// The Socket.IO side of one Engine.IO session (the reference server's "Client"): runs
/// the `SocketIOConnection` state machine and carries out its actions — middleware,
/// sockets, events, the connect timeout.
///
/// Connection, event and disconnection handlers run one at a time, in order, on a task
/// of their own (while there are any), so that a handler may await an acknowledgement
/// from its own client: acknowledgements are resolved as they are read. An event handler
/// that cannot suspend runs right away on the reading task instead, when no handler of
/// the connection runs or waits (one task less per event). At most `maximumQueuedEvents` wait
/// for the handlers; a client that sends faster than they finish is disconnected.
final class SocketIOClient: DeadlineTarget {
    static let maximumQueuedEvents = 256

    /// Work for the handler task, in the order it happened.
    enum Job: Sendable {
        case joined(SocketIOSocket)
        case event(SocketIOSocket, SocketIOPacket)
        case left(SocketIOSocket, SocketIODisconnectReason)
    }

    let engine: EngineIOConnection
    let server: SocketIOServer
    private let state: Mutex<SocketIOConnection>
    private let sockets = Mutex<[String: SocketIOSocket]>([:])
    private let jobs: SerialJobQueue<Job>

    init(engine: EngineIOConnection, server: SocketIOServer) {
        self.engine = engine
        self.server = server
        self.state = Mutex(SocketIOConnection(
            namespaces: server.namespaceNames, configuration: server.engine.configuration, now: .now))
        self.jobs = SerialJobQueue(limit: Self.maximumQueuedEvents) { [server, engine] job in
            await Self.run(job, server: server, engine: engine)
        }
    }

    private static func run(_ job: Job, server: SocketIOServer, engine: EngineIOConnection) async {
        switch job {
        case .joined(let socket):
            await server.existingNamespace(socket.namespace)?.joined(socket)
        case .event(let socket, let packet):
            guard let namespace = server.existingNamespace(socket.namespace) else { return }
            await socket.handle(packet, in: namespace)
        case .left(let socket, let reason):
            await server.existingNamespace(socket.namespace)?.left(socket, reason: reason)
        }
    }

    /// Closes the session if no CONNECT succeeds within `connectTimeout`.
    func startConnectTimer() {
        guard let deadline = state.withLock({ $0.nextDeadline }) else { return }
        engine.server.deadlines.schedule(self, at: deadline)
    }

    func deadlineReached(_ deadline: ContinuousClock.Instant, now: ContinuousClock.Instant) {
        let actions = state.withLock { $0.tick(now: now) }
        guard !actions.isEmpty else { return }
        Task { await perform(actions) }
    }

    func receive(_ message: EngineIOData) async {
        await perform(state.withLock { $0.receive(message) })
    }

    func isConnected(_ socket: SocketIOSocket) -> Bool {
        sockets.withLock { $0[socket.id] === socket }
    }

    func disconnect(namespace: String, closeConnection: Bool) async {
        await perform(state.withLock { $0.disconnect(namespace: namespace) })
        if closeConnection { engine.close(.serverClosed) }
    }

    func closed(reason: SocketIODisconnectReason) async {
        await perform(state.withLock { $0.close(reason: reason) })
        jobs.finish()
    }

    private func perform(_ actions: [SocketIOConnection.Action]) async {
        for action in actions {
            switch action {
            case .send(let packet):
                engine.send(packet.encoded())
            case .authorize(let namespace, let auth):
                // The middleware's deep call chains run on the connection's inbound task,
                // which ends once the connection is idle (with the stack memory it took).
                await authorize(namespace: namespace, auth: auth)
            case .dispatch(let socketID, let packet):
                guard let socket = sockets.withLock({ $0[socketID] }) else { continue }
                if packet.kind == .ack || packet.kind == .binaryAck {
                    socket.resolveAck(packet)
                } else if let handling = server.existingNamespace(socket.namespace).flatMap({ socket.immediateHandling(of: packet, in: $0) }),
                    jobs.runIfIdle(handling)
                {
                    // Handled on this task: the handler cannot suspend, and none was before it.
                } else if jobs.enqueue(.event(socket, packet)) == .full {
                    engine.close(.bufferOverflow)
                }
            case .disconnected(let socketID, let reason):
                guard let socket = sockets.withLock({ $0.removeValue(forKey: socketID) }) else { continue }
                server.unregister(socket)
                socket.failPendingAcks()
                if jobs.enqueue(.left(socket, reason)) != .enqueued {
                    // The queue is full (the session is closing for it) or done: run them here.
                    await Self.run(.left(socket, reason), server: server, engine: engine)
                }
            case .closeSession(let reason):
                engine.close(reason == .parseError ? .parseError : .serverClosed)
            }
        }
    }

    private func authorize(namespace name: String, auth: JSONValue?) async {
        guard let namespace = server.existingNamespace(name) else { return }
        var handshake = SocketIOHandshake(
            namespace: name, auth: auth ?? .object([:]), request: engine.request, engineSessionID: engine.id)
        do {
            try await namespace.authorize(&handshake)
        } catch {
            await perform(state.withLock { $0.refuse(namespace: name, message: error.message, data: error.data) })
            return
        }
        let socket = SocketIOSocket(id: SessionID.make(), handshake: handshake, client: self)
        sockets.withLock { $0[socket.id] = socket }
        server.register(socket)
        let actions = state.withLock { $0.accept(namespace: name, socketID: socket.id) }
        guard !actions.isEmpty else {
            // The session closed while the middleware ran.
            sockets.withLock { $0[socket.id] = nil }
            server.unregister(socket)
            return
        }
        await perform(actions)
        if jobs.enqueue(.joined(socket)) == .full {
            engine.close(.bufferOverflow)
        }
    }
}
