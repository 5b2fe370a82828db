/// A STUN method (RFC 8489 §5, §18.2; TURN methods in RFC 8656 §17).
struct STUNMethod: RawRepresentable, Hashable, Sendable {
    /// The 12-bit method number.
    let rawValue: UInt16

    init(rawValue: UInt16) {
        self.rawValue = rawValue & 0x0FFF
    }

    static let binding = STUNMethod(rawValue: 0x001)
    static let allocate = STUNMethod(rawValue: 0x003)
    static let refresh = STUNMethod(rawValue: 0x004)
    static let send = STUNMethod(rawValue: 0x006)
    static let data = STUNMethod(rawValue: 0x007)
    static let createPermission = STUNMethod(rawValue: 0x008)
    static let channelBind = STUNMethod(rawValue: 0x009)
}

/// The class of a STUN message (RFC 8489 §5).
enum STUNMessageClass: UInt8, Hashable, Sendable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11
}

/// The 14-bit message type: a method and a class interleaved as
/// `M11..M7 C1 M6..M4 C0 M3..M0` (RFC 8489 §5, figure 3).
struct STUNMessageType: Hashable, Sendable {
    var method: STUNMethod
    var messageClass: STUNMessageClass

    init(method: STUNMethod, messageClass: STUNMessageClass) {
        self.method = method
        self.messageClass = messageClass
    }

    /// Unpacks a type field; the two most significant bits must be zero.
    init?(rawValue: UInt16) {
        guard rawValue & 0xC000 == 0 else { return nil }
        let m = rawValue & 0x000F | (rawValue & 0x00E0) >> 1 | (rawValue & 0x3E00) >> 2
        let c = (rawValue & 0x0010) >> 4 | (rawValue & 0x0100) >> 7
        self.method = STUNMethod(rawValue: m)
        self.messageClass = STUNMessageClass(rawValue: UInt8(c)) ?? .request
    }

    var rawValue: UInt16 {
        let m = method.rawValue
        let c = UInt16(messageClass.rawValue)
        return m & 0x000F | (m & 0x0070) << 1 | (m & 0x0F80) << 2
            | (c & 0x1) << 4 | (c & 0x2) << 7
    }
}
