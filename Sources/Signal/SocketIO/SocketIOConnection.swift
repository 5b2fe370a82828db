/// The Socket.IO state of one Engine.IO session, free of I/O: which namespaces it is
/// connected to (one socket each), which CONNECTs await the application's verdict, and
/// the deadline for the first CONNECT.
///
/// Socket.IO protocol v5, "Connection to a namespace" ("If the server does not receive a
/// `CONNECT` packet first, then it MUST close the connection"; the reference server waits
/// `connectTimeout` for it), "Disconnection from a namespace", and the reference server's
/// rule that a malformed packet closes the whole connection.
public struct SocketIOConnection: Sendable {
    public enum Action: Sendable, Equatable {
        /// Send this packet to the client.
        case send(SocketIOPacket)
        /// Ask the application whether this CONNECT may proceed, then call
        /// `accept(namespace:socketID:)` or `refuse(namespace:message:data:)`.
        case authorize(namespace: String, auth: JSONValue?)
        /// An EVENT or ACK for a connected socket.
        case dispatch(socketID: String, SocketIOPacket)
        /// The socket left its namespace.
        case disconnected(socketID: String, reason: SocketIODisconnectReason)
        /// Close the Engine.IO session.
        case closeSession(SocketIODisconnectReason)
    }

    /// The namespaces the server serves; a CONNECT to any other is refused.
    let namespaces: Set<String>
    private(set) var sockets: [String: String] = [:]
    private(set) var authorizing: Set<String> = []
    private var connectDeadline: ContinuousClock.Instant?
    private var assembler: SocketIOPacketAssembler
    private(set) var isClosed = false

    public init(namespaces: Set<String>, configuration: EngineIOConfiguration, now: ContinuousClock.Instant) {
        self.namespaces = namespaces
        self.connectDeadline = now + .milliseconds(configuration.connectTimeout)
        self.assembler = SocketIOPacketAssembler(maximumAttachmentBytes: configuration.maxPayload)
    }

    /// When `tick` next has work to do.
    public var nextDeadline: ContinuousClock.Instant? { isClosed ? nil : connectDeadline }

    /// The socket id in `namespace`, if connected.
    public func socketID(in namespace: String) -> String? { sockets[namespace] }

    /// Closes the connection when no CONNECT succeeded within `connectTimeout`.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        guard !isClosed, let connectDeadline, now >= connectDeadline else { return [] }
        self.connectDeadline = nil
        guard sockets.isEmpty else { return [] }
        isClosed = true
        return [.closeSession(.connectTimeout)]
    }

    /// Handles one Engine.IO message from the client.
    public mutating func receive(_ message: EngineIOData) -> [Action] {
        guard !isClosed else { return [] }
        let packet: SocketIOPacket?
        do {
            packet = try assembler.receive(message)
        } catch {
            return closeForParseError()
        }
        guard let packet else { return [] }
        switch packet.kind {
        case .connect:
            return receiveConnect(packet)
        case .disconnect:
            guard let socketID = sockets.removeValue(forKey: packet.namespace) else { return [] }
            return [.disconnected(socketID: socketID, reason: .clientNamespaceDisconnect)]
        case .event, .binaryEvent, .ack, .binaryAck:
            // Packets for a namespace the client has not joined are dropped, as the reference does.
            guard let socketID = sockets[packet.namespace] else { return [] }
            return [.dispatch(socketID: socketID, packet)]
        case .connectError:
            // Only a server sends CONNECT_ERROR.
            return closeForParseError()
        }
    }

    private mutating func receiveConnect(_ packet: SocketIOPacket) -> [Action] {
        let namespace = packet.namespace
        guard namespaces.contains(namespace) else {
            return [.send(SocketIOPacket(kind: .connectError, namespace: namespace, data: ["message": "Invalid namespace"]))]
        }
        guard sockets[namespace] == nil, !authorizing.contains(namespace) else { return [] }
        authorizing.insert(namespace)
        return [.authorize(namespace: namespace, auth: packet.data)]
    }

    private mutating func closeForParseError() -> [Action] {
        close(reason: .parseError) + [.closeSession(.parseError)]
    }

    /// The application let the client into `namespace` as socket `socketID`.
    public mutating func accept(namespace: String, socketID: String) -> [Action] {
        guard !isClosed, authorizing.remove(namespace) != nil else { return [] }
        sockets[namespace] = socketID
        connectDeadline = nil
        return [.send(SocketIOPacket(kind: .connect, namespace: namespace, data: ["sid": .string(socketID)]))]
    }

    /// The application refused the CONNECT: the client gets CONNECT_ERROR `{message, data}`.
    public mutating func refuse(namespace: String, message: String, data: JSONValue?) -> [Action] {
        guard !isClosed, authorizing.remove(namespace) != nil else { return [] }
        var payload: [String: JSONValue] = ["message": .string(message)]
        if let data { payload["data"] = data }
        return [.send(SocketIOPacket(kind: .connectError, namespace: namespace, data: .object(payload)))]
    }

    /// The server disconnects the socket in `namespace`: the client gets DISCONNECT.
    public mutating func disconnect(namespace: String) -> [Action] {
        guard !isClosed, let socketID = sockets.removeValue(forKey: namespace) else { return [] }
        return [
            .send(SocketIOPacket(kind: .disconnect, namespace: namespace)),
            .disconnected(socketID: socketID, reason: .serverNamespaceDisconnect),
        ]
    }

    /// The Engine.IO session ended: every socket is disconnected with `reason`.
    public mutating func close(reason: SocketIODisconnectReason) -> [Action] {
        guard !isClosed else { return [] }
        isClosed = true
        authorizing.removeAll()
        let actions = sockets.sorted { $0.key < $1.key }.map { Action.disconnected(socketID: $0.value, reason: reason) }
        sockets.removeAll()
        return actions
    }
}
