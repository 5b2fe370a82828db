import Synchronization

/// The Socket.IO side of one Engine.IO session (the reference server's "Client"): runs
/// the `SocketIOConnection` state machine and carries out its actions — middleware,
/// sockets, events, the connect timeout.
final class SocketIOClient: Sendable {
    let engine: EngineIOConnection
    let server: SocketIOServer
    private let state: Mutex<SocketIOConnection>
    private let sockets = Mutex<[String: SocketIOSocket]>([:])

    init(engine: EngineIOConnection, server: SocketIOServer) {
        self.engine = engine
        self.server = server
        self.state = Mutex(SocketIOConnection(
            namespaces: server.namespaceNames, configuration: server.engine.configuration, now: .now))
    }

    /// Closes the session if no CONNECT succeeds within `connectTimeout`.
    func startConnectTimer() {
        guard let deadline = state.withLock({ $0.nextDeadline }) else { return }
        Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            guard let self else { return }
            await self.perform(self.state.withLock { $0.tick(now: .now) })
        }
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
    }

    private func perform(_ actions: [SocketIOConnection.Action]) async {
        for action in actions {
            switch action {
            case .send(let packet):
                engine.send(packet.encoded())
            case .authorize(let namespace, let auth):
                await authorize(namespace: namespace, auth: auth)
            case .dispatch(let socketID, let packet):
                guard let socket = sockets.withLock({ $0[socketID] }),
                    let namespace = server.existingNamespace(socket.namespace)
                else { continue }
                await socket.handle(packet, in: namespace)
            case .disconnected(let socketID, let reason):
                guard let socket = sockets.withLock({ $0.removeValue(forKey: socketID) }) else { continue }
                server.unregister(socket)
                socket.failPendingAcks()
                await server.existingNamespace(socket.namespace)?.left(socket, reason: reason)
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
        await engine.flushed()
        await namespace.joined(socket)
    }
}
