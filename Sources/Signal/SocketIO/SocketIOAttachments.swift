/// Binary attachments and their placeholders (Socket.IO protocol v5, "Packet encoding":
/// each buffer is replaced by `{"_placeholder":true,"num":N}`, N counting from 0 in the
/// order of a depth-first walk, and sent after the packet's text).
enum SocketIOAttachments {
    static func placeholder(_ index: Int) -> JSONValue {
        .object(["_placeholder": .bool(true), "num": .number(Double(index))])
    }

    /// Replaces each buffer by a placeholder, appending the buffer to `attachments`.
    static func deconstruct(_ value: JSONValue, into attachments: inout [[UInt8]]) -> JSONValue {
        switch value {
        case .binary(let bytes):
            attachments.append(bytes)
            return placeholder(attachments.count - 1)
        case .array(let values):
            return .array(values.map { deconstruct($0, into: &attachments) })
        case .object(let members):
            guard value.containsBinary else { return value }
            return .object(members.mapValues { deconstruct($0, into: &attachments) })
        default:
            return value
        }
    }

    /// Puts the buffers back in place of their placeholders.
    static func reconstruct(_ value: JSONValue, with attachments: [[UInt8]]) throws(SocketIOPacketError) -> JSONValue {
        switch value {
        case .array(let values):
            var rebuilt: [JSONValue] = []
            rebuilt.reserveCapacity(values.count)
            for element in values { rebuilt.append(try reconstruct(element, with: attachments)) }
            return .array(rebuilt)
        case .object(let members):
            if members["_placeholder"] == .bool(true) {
                guard let num = members["num"]?.intValue, attachments.indices.contains(num) else {
                    throw .invalidPlaceholder
                }
                return .binary(attachments[num])
            }
            var rebuilt: [String: JSONValue] = [:]
            for (key, element) in members { rebuilt[key] = try reconstruct(element, with: attachments) }
            return .object(rebuilt)
        default:
            return value
        }
    }
}
