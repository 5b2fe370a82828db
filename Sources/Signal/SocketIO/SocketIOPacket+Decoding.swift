/// Decoding of the text part of a packet (Socket.IO protocol v5, "Format"), following the
/// reference parser (socketio/socket.io-parser) in what it accepts and refuses.
extension SocketIOPacket {
    /// Attachment counts above this are refused before any binary message is awaited.
    static let maximumAttachments = 64

    public static func decode(_ text: String) throws(SocketIOPacketError) -> SocketIOPacket {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { throw .empty }
        guard first >= UInt8(ascii: "0"), let kind = Kind(rawValue: first &- UInt8(ascii: "0")) else {
            throw .unknownType
        }
        var index = 1
        var packet = SocketIOPacket(kind: kind)

        if kind.isBinary {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, index > start, let count = decimal(bytes[start..<index]) else {
                throw .invalidAttachmentCount
            }
            guard count <= maximumAttachments else { throw .tooManyAttachments }
            packet.attachmentCount = count
            index += 1
        }

        if index < bytes.count, bytes[index] == UInt8(ascii: "/") {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ",") { index += 1 }
            packet.namespace = String(decoding: bytes[start..<index], as: UTF8.self)
            if index < bytes.count { index += 1 }
        }

        let idStart = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        if index > idStart {
            guard let id = decimal(bytes[idStart..<index]) else { throw .invalidAckID }
            packet.id = id
        }

        if index < bytes.count {
            do {
                packet.data = try JSONValue(parsingBytes: Array(bytes[index...]))
            } catch {
                throw .invalidJSON(error)
            }
        }
        guard packet.hasValidPayload else { throw .invalidPayload }
        return packet
    }

    /// A non-negative decimal that fits an `Int` (at most 15 digits, exact in JavaScript too).
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// The payload rules of the reference parser (`isPayloadValid`) and of the spec:
    /// events carry a non-empty array led by the event name, acks an array.
    var hasValidPayload: Bool {
        switch kind {
        case .connect:
            if case .object? = data { return true }
            return data == nil
        case .disconnect:
            return data == nil
        case .connectError:
            switch data {
            case .object?, .string?: return true
            default: return false
            }
        case .event, .binaryEvent:
            guard case .array(let values)? = data, let first = values.first else { return false }
            if case .string = first { return true }
            if case .number = first { return true }
            return false
        case .ack, .binaryAck:
            if case .array? = data { return id != nil }
            return false
        }
    }
}
