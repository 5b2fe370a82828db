/// A STUN attribute type code (RFC 8489 §14, §18.3; TURN in RFC 8656 §18;
/// ADDITIONAL-ADDRESS-FAMILY and ADDRESS-ERROR-CODE from RFC 8656 §18.11–12).
struct STUNAttributeType: RawRepresentable, Hashable, Sendable, Comparable {
    let rawValue: UInt16

    init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Types 0x0000–0x7FFF must be understood or the request is refused with
    /// 420 (RFC 8489 §14); the rest may be ignored.
    var isComprehensionRequired: Bool { rawValue < 0x8000 }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    // RFC 8489 §18.3.1 comprehension-required
    static let mappedAddress = Self(rawValue: 0x0001)
    static let username = Self(rawValue: 0x0006)
    static let messageIntegrity = Self(rawValue: 0x0008)
    static let errorCode = Self(rawValue: 0x0009)
    static let unknownAttributes = Self(rawValue: 0x000A)
    static let realm = Self(rawValue: 0x0014)
    static let nonce = Self(rawValue: 0x0015)
    static let messageIntegritySHA256 = Self(rawValue: 0x001C)
    static let passwordAlgorithm = Self(rawValue: 0x001D)
    static let userhash = Self(rawValue: 0x001E)
    static let xorMappedAddress = Self(rawValue: 0x0020)
    // RFC 8656 §18 comprehension-required
    static let channelNumber = Self(rawValue: 0x000C)
    static let lifetime = Self(rawValue: 0x000D)
    static let xorPeerAddress = Self(rawValue: 0x0012)
    static let data = Self(rawValue: 0x0013)
    static let xorRelayedAddress = Self(rawValue: 0x0016)
    static let requestedAddressFamily = Self(rawValue: 0x0017)
    static let evenPort = Self(rawValue: 0x0018)
    static let requestedTransport = Self(rawValue: 0x0019)
    static let dontFragment = Self(rawValue: 0x001A)
    static let reservationToken = Self(rawValue: 0x0022)
    // ICE (RFC 8445 §16.1), so ICE connectivity checks are not refused with 420.
    static let priority = Self(rawValue: 0x0024)
    static let useCandidate = Self(rawValue: 0x0025)
    // RFC 8489 §18.3.2 comprehension-optional
    static let passwordAlgorithms = Self(rawValue: 0x8002)
    static let alternateDomain = Self(rawValue: 0x8003)
    static let software = Self(rawValue: 0x8022)
    static let alternateServer = Self(rawValue: 0x8023)
    static let fingerprint = Self(rawValue: 0x8028)
    // RFC 8656 §18 comprehension-optional
    static let additionalAddressFamily = Self(rawValue: 0x8000)
    static let addressErrorCode = Self(rawValue: 0x8001)
    static let icmp = Self(rawValue: 0x8004)
    // ICE
    static let iceControlled = Self(rawValue: 0x8029)
    static let iceControlling = Self(rawValue: 0x802A)
}
