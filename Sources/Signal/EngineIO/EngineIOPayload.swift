/// The body of a long-polling request or response: packets joined by the record
/// separator `0x1e`, binary messages written as `b<base64>`.
///
/// Engine.IO protocol v4, "Packet encoding" → "HTTP long-polling".
enum EngineIOPayload {
    static let separator: UInt8 = 0x1E

    /// Decodes a POST body. Every record must be a valid packet: one bad record
    /// rejects the whole body, since the reference server then closes the session.
    static func decode<Bytes: Collection<UInt8>>(_ body: Bytes) throws(EngineIOPacketError) -> [EngineIOPacket] {
        guard let text = String(validating: body, as: UTF8.self) else { throw .invalidUTF8 }
        var packets: [EngineIOPacket] = []
        for record in text.split(separator: "\u{1E}", omittingEmptySubsequences: false) {
            packets.append(try decodeRecord(record))
        }
        return packets
    }

    static func decodeRecord(_ record: Substring) throws(EngineIOPacketError) -> EngineIOPacket {
        if record.utf8.first == UInt8(ascii: "b") {
            guard let bytes = Base64.decode(record.utf8.dropFirst()) else { throw .invalidBase64 }
            return .message(.binary(bytes))
        }
        return try EngineIOPacket.decode(text: record)
    }

    /// Encodes packets for a GET response body.
    static func encode(_ packets: [EngineIOPacket]) -> String {
        packets.map(\.encodedText).joined(separator: "\u{1E}")
    }
}
