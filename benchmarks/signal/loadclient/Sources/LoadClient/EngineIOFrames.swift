import Foundation

/// What the server can send in one WebSocket text frame: one Engine.IO v4 packet (its type
/// is the first character), and inside a "message" packet ("4") one Socket.IO v5 packet
/// of the default namespace. Pure parsing, no I/O.
enum ServerPacket: Equatable {
    /// Engine.IO "0": the session is open, the client may CONNECT to the namespace.
    case open
    /// Engine.IO "2": the server's heartbeat (in v4 the server pings), answered with "3".
    case ping
    /// Engine.IO "1": the server ends the session.
    case close
    /// Socket.IO "0": the namespace accepted the token sent with CONNECT.
    case connected
    /// Socket.IO "4" (CONNECT_ERROR) with the server's reason.
    case connectRefused(String)
    /// Socket.IO "1": the server disconnected this socket from the namespace.
    case disconnected
    /// Socket.IO "2": an event `["name", body]`, with the body as far as this client reads
    /// it (see `EventArguments`).
    case event(name: String, body: JSONValue?)
    /// Engine.IO "6" (noop) and Socket.IO packets this client has no use for (acks).
    case ignored

    init(parsing text: String) throws(ProtocolViolation) {
        guard let type = text.first else { throw ProtocolViolation("an empty Engine.IO packet") }
        switch type {
        case "0": self = .open
        case "1": self = .close
        case "2": self = .ping
        case "6": self = .ignored
        case "4": self = try ServerPacket(socketIO: text.dropFirst())
        default: throw ProtocolViolation("Engine.IO packet of unknown type: \(text.prefix(80))")
        }
    }

    private init(socketIO packet: Substring) throws(ProtocolViolation) {
        switch packet.first {
        case "0": self = .connected
        case "4": self = .connectRefused(String(packet.dropFirst()))
        case "1": self = .disconnected
        case "3": self = .ignored
        case "2":
            // An event from the server carries no namespace (ours is the default one) and
            // no ack id, so its arguments follow the type directly, as sioload.py reads them.
            let arguments = packet.dropFirst()
            guard let event = try? JSONDecoder().decode(EventArguments.self, from: Data(arguments.utf8)) else {
                throw ProtocolViolation("a Socket.IO event that is not [\"name\", ...]: \(packet.prefix(80))")
            }
            self = .event(name: event.name, body: event.body)
        default: throw ProtocolViolation("Socket.IO packet of unknown type: 4\(packet.prefix(80))")
        }
    }
}

/// An event's arguments `["name", body, ...]`, decoded only as far as this client reads
/// them: all of an `error` event's body (the report repeats it), only the `from` member of
/// other bodies. Decoding every body whole into `JSONValue` took a fifth of this client's
/// CPU time (perf), since each guess at a value's type that fails throws.
private struct EventArguments: Decodable {
    let name: String
    let body: JSONValue?

    private struct Sender: Decodable {
        let from: String?
    }

    init(from decoder: Decoder) throws {
        var arguments = try decoder.unkeyedContainer()
        name = try arguments.decode(String.self)
        if arguments.isAtEnd {
            body = nil
        } else if name == "error" {
            body = try arguments.decode(JSONValue.self)
        } else {
            body = (try? arguments.decode(Sender.self))?.from.map { .object(["from": .string($0)]) }
        }
    }
}

/// The packets this client sends, spelled as sioload.py spells them.
enum ClientPacket {
    /// Engine.IO "3", the answer to the server's ping.
    static let pong = "3"

    /// Socket.IO CONNECT to the default namespace with `auth: {token}`; the space after
    /// the colon is Python's `json.dumps` default, kept so that both clients send the same bytes.
    static func connect(token: String) -> String {
        "40{\"token\": \(jsonString(token))}"
    }

    /// Socket.IO EVENT `["name", body]`, `body` already JSON.
    static func event(_ name: String, body: String) -> String {
        "42[\(jsonString(name)),\(body)]"
    }
}

/// The server broke Engine.IO / Socket.IO / WebSocket rules, or answered what this client
/// cannot use: the run stops with this message.
struct ProtocolViolation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
