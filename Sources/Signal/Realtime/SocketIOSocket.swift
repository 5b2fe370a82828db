import Synchronization

/// One client in one namespace (Socket.IO protocol v5): emits events to it, awaits its
/// acknowledgements, and disconnects it.
public final class SocketIOSocket: Sendable {
    struct Acks: Sendable {
        var nextID = 0
        var pending: [Int: CheckedContinuation<Result<[JSONValue], SocketIOAckError>, Never>] = [:]
    }

    /// Acknowledgements waiting at once per socket; more are refused, so a client that
    /// never acknowledges cannot grow the server's memory.
    static let maximumPendingAcks = 256

    /// The socket id sent in the CONNECT reply.
    public let id: String
    public let namespace: String
    public let handshake: SocketIOHandshake
    let client: SocketIOClient
    private let acks = Mutex(Acks())
    private let storage: Mutex<JSONValue>

    init(id: String, handshake: SocketIOHandshake, client: SocketIOClient) {
        self.id = id
        self.namespace = handshake.namespace
        self.handshake = handshake
        self.client = client
        self.storage = Mutex(handshake.data)
    }

    /// Application data kept with the socket (starts as what middleware set).
    public var data: JSONValue {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    /// Whether the socket is still in its namespace.
    public var isConnected: Bool { client.isConnected(self) }

    /// Sends the event `name` with these arguments.
    public func emit(_ event: String, _ arguments: [JSONValue] = []) {
        send(.event(event, arguments, namespace: namespace))
    }

    /// Sends the event and waits for the client's acknowledgement arguments.
    public func emitWithAck(
        _ event: String, _ arguments: [JSONValue] = [], timeout: Duration = .seconds(10)
    ) async throws(SocketIOAckError) -> [JSONValue] {
        let result = await withCheckedContinuation { continuation in
            let id: Int? = acks.withLock { acks in
                guard acks.pending.count < Self.maximumPendingAcks else { return nil }
                let id = acks.nextID
                acks.nextID = id == Int(Int32.max) ? 0 : id + 1
                acks.pending[id] = continuation
                return id
            }
            guard let id else {
                continuation.resume(returning: .failure(.tooManyPending))
                return
            }
            send(.event(event, arguments, namespace: namespace, id: id))
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.resolveAck(id: id, with: .failure(.timeout))
            }
        }
        return try result.get()
    }

    /// Leaves the namespace (the client gets DISCONNECT); `closeConnection` also ends the
    /// underlying Engine.IO session with every other namespace on it.
    public func disconnect(closeConnection: Bool = false) {
        Task { await client.disconnect(namespace: namespace, closeConnection: closeConnection) }
    }

    // MARK: - Used by the client

    func send(_ packet: SocketIOPacket) {
        client.engine.send(packet.encoded())
    }

    /// Runs the namespace's handler for an EVENT / BINARY_EVENT.
    func handle(_ packet: SocketIOPacket, in namespace: SocketIONamespace) async {
        guard let (handler, arguments, ack) = call(of: packet, in: namespace) else { return }
        switch handler {
        case .suspending(let handler): await handler(self, arguments, ack)
        case .immediate(let handler): handler(self, arguments, ack)
        }
    }

    /// The handling of an EVENT / BINARY_EVENT when it cannot suspend (an immediate
    /// handler, or none at all); `nil` when its handler needs a task of its own.
    func immediateHandling(of packet: SocketIOPacket, in namespace: SocketIONamespace) -> (() -> Void)? {
        guard let (handler, arguments, ack) = call(of: packet, in: namespace) else { return {} }
        guard case .immediate(let handler) = handler else { return nil }
        return { handler(self, arguments, ack) }
    }

    /// The namespace's handler for an event packet, with what it is called with; `nil`
    /// when the packet names no event this namespace handles.
    private func call(
        of packet: SocketIOPacket, in namespace: SocketIONamespace
    ) -> (SocketIONamespace.EventHandler, [JSONValue], SocketIOAck?)? {
        guard let (name, arguments) = packet.eventNameAndArguments, let handler = namespace.handler(for: name) else {
            return nil
        }
        return (handler, arguments, packet.id.map { SocketIOAck(socket: self, id: $0) })
    }

    /// Resolves the `emitWithAck` waiting for an ACK / BINARY_ACK.
    func resolveAck(_ packet: SocketIOPacket) {
        guard let id = packet.id, case .array(let arguments)? = packet.data else { return }
        resolveAck(id: id, with: .success(arguments))
    }

    func resolveAck(id: Int, with result: Result<[JSONValue], SocketIOAckError>) {
        acks.withLock { $0.pending.removeValue(forKey: id) }?.resume(returning: result)
    }

    func failPendingAcks() {
        let pending = acks.withLock { acks in
            defer { acks.pending.removeAll() }
            return Array(acks.pending.values)
        }
        for continuation in pending { continuation.resume(returning: .failure(.disconnected)) }
    }
}
