/// One Engine.IO v4 packet: a type and an optional payload.
///
/// Engine.IO protocol v4, "Protocol" (packet types 0–6) and "Packet encoding".
/// `message` is the only packet that carries application data, as text or binary.
public enum EngineIOPacket: Sendable, Equatable {
    /// Type 0, sent once by the server; the payload is the handshake JSON.
    case open(String)
    /// Type 1: the transport (and so the session) can be closed.
    case close
    /// Type 2; the payload is empty except for the upgrade probe (`"probe"`).
    case ping(String)
    /// Type 3; the payload is empty except for the upgrade probe (`"probe"`).
    case pong(String)
    /// Type 4: application data.
    case message(EngineIOData)
    /// Type 5: the client completes the upgrade to WebSocket.
    case upgrade
    /// Type 6: ends a pending long-polling request during an upgrade.
    case noop
}

/// The payload of a `message` packet: text, or bytes.
public enum EngineIOData: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// Why some bytes are not an Engine.IO packet; always the peer's fault.
public enum EngineIOPacketError: Error, Equatable, Sendable {
    /// An empty packet (no type character).
    case empty
    /// The first character is not a packet type `0`–`6` (nor `b` in a polling payload).
    case unknownType(UInt8)
    /// A `b`-prefixed polling record whose rest is not valid base64.
    case invalidBase64
    /// A text packet or payload that is not valid UTF-8.
    case invalidUTF8
}

extension EngineIOPacket {
    /// The packet type digit, `0`–`6`.
    var typeCharacter: Character {
        switch self {
        case .open: "0"
        case .close: "1"
        case .ping: "2"
        case .pong: "3"
        case .message: "4"
        case .upgrade: "5"
        case .noop: "6"
        }
    }

    /// Decodes a text packet: `<type digit>[<data>]`, the form of a WebSocket text frame
    /// and of one record of a polling payload (the `b` prefix is the payload codec's).
    static func decode(text: Substring) throws(EngineIOPacketError) -> EngineIOPacket {
        guard let first = text.utf8.first else { throw .empty }
        let data = String(text.dropFirst())
        switch first {
        case UInt8(ascii: "0"): return .open(data)
        case UInt8(ascii: "1"): return .close
        case UInt8(ascii: "2"): return .ping(data)
        case UInt8(ascii: "3"): return .pong(data)
        case UInt8(ascii: "4"): return .message(.text(data))
        case UInt8(ascii: "5"): return .upgrade
        case UInt8(ascii: "6"): return .noop
        default: throw .unknownType(first)
        }
    }

    /// Decodes a WebSocket text frame.
    public static func decode(text: String) throws(EngineIOPacketError) -> EngineIOPacket {
        try decode(text: text[...])
    }

    /// Decodes a WebSocket binary frame: in v4 it is a `message` carried as is, with no type byte.
    public static func decode(binary: [UInt8]) -> EngineIOPacket {
        .message(.binary(binary))
    }

    /// The WebSocket frame for this packet: binary messages as raw bytes, all else as text.
    public var webSocketFrame: EngineIOData {
        switch self {
        case .message(.binary(let bytes)): .binary(bytes)
        default: .text(encodedText)
        }
    }

    /// The text form `<type><data>`, with a binary message as `b<base64>` (polling records).
    var encodedText: String {
        switch self {
        case .open(let data), .ping(let data), .pong(let data):
            return String(typeCharacter) + data
        case .message(.text(let text)):
            return "4" + text
        case .message(.binary(let bytes)):
            return "b" + Base64.encode(bytes)
        case .close, .upgrade, .noop:
            return String(typeCharacter)
        }
    }

    /// The number of bytes this packet takes in a polling payload (without the separator);
    /// used to bound buffers and to fill responses up to `maxPayload`.
    var encodedByteCount: Int {
        switch self {
        case .open(let data), .ping(let data), .pong(let data): 1 + data.utf8.count
        case .message(.text(let text)): 1 + text.utf8.count
        case .message(.binary(let bytes)): 1 + (bytes.count + 2) / 3 * 4
        case .close, .upgrade, .noop: 1
        }
    }
}
