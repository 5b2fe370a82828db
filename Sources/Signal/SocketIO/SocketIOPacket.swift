/// One Socket.IO v5 packet: type, namespace, optional acknowledgement id, optional payload.
///
/// Socket.IO protocol v5, "Exchange protocol" (packet types 0–6) and "Packet encoding":
/// `<type>[<attachments>-][<namespace>,][<ack id>][JSON payload]`, carried in an
/// Engine.IO `message` packet, binary attachments following as their own messages.
public struct SocketIOPacket: Sendable, Equatable {
    /// The packet type, with the spec's numbers.
    public enum Kind: UInt8, Sendable, Equatable {
        case connect = 0
        case disconnect = 1
        case event = 2
        case ack = 3
        case connectError = 4
        case binaryEvent = 5
        case binaryAck = 6

        var isBinary: Bool { self == .binaryEvent || self == .binaryAck }
    }

    public var kind: Kind
    /// `"/"` for the main namespace.
    public var namespace: String
    /// The acknowledgement id of an `EVENT` that wants an answer, or of an `ACK`.
    public var id: Int?
    /// The payload: an object for `CONNECT`/`CONNECT_ERROR`, an array for events and acks.
    /// After reassembly, binary attachments sit in it as `.binary`.
    public var data: JSONValue?
    /// For `BINARY_*` packets as decoded: how many attachments follow.
    var attachmentCount: Int

    public init(kind: Kind, namespace: String = "/", id: Int? = nil, data: JSONValue? = nil) {
        self.kind = kind
        self.namespace = namespace
        self.id = id
        self.data = data
        self.attachmentCount = 0
    }

    /// An `EVENT` with `name` and arguments (binary arguments make it a `BINARY_EVENT` on the wire).
    public static func event(_ name: String, _ arguments: [JSONValue], namespace: String = "/", id: Int? = nil) -> Self {
        SocketIOPacket(kind: .event, namespace: namespace, id: id, data: .array([.string(name)] + arguments))
    }

    /// The event name and arguments of an `EVENT` / `BINARY_EVENT`.
    public var eventNameAndArguments: (name: String, arguments: [JSONValue])? {
        guard kind == .event || kind == .binaryEvent, case .array(let values)? = data,
            let name = values.first?.stringValue
        else { return nil }
        return (name, Array(values.dropFirst()))
    }
}

/// Why an Engine.IO message is not a valid Socket.IO packet; the reference server then
/// closes the connection ("invalid payload", "unknown packet type", "illegal attachments").
public enum SocketIOPacketError: Error, Equatable, Sendable {
    case empty
    case unknownType
    case invalidAttachmentCount
    case tooManyAttachments
    case invalidAckID
    case invalidJSON(JSONParseError)
    /// Valid JSON, but not the payload this packet type requires.
    case invalidPayload
    /// A placeholder whose `num` names no attachment.
    case invalidPlaceholder
    /// A binary message arrived when no attachment was expected, or text arrived while one was.
    case unexpectedMessage
    /// The attachments of one packet are larger than allowed.
    case attachmentsTooLarge
}
