/// The ERROR-CODE attribute's code and reason phrase (RFC 8489 §14.8), with
/// the codes STUN and TURN use (RFC 8489 §14.8, RFC 8656 §18.11 and §19).
struct STUNErrorCode: Hashable, Sendable {
    /// The three-digit code, 300–699.
    var code: UInt16
    /// A short UTF-8 reason phrase, under 128 characters.
    var reason: String

    init(code: UInt16, reason: String? = nil) {
        self.code = code
        self.reason = reason ?? Self.defaultReason(for: code)
    }

    static let tryAlternate = Self(code: 300)
    static let badRequest = Self(code: 400)
    static let unauthorized = Self(code: 401)
    static let forbidden = Self(code: 403)
    static let unknownAttribute = Self(code: 420)
    static let allocationMismatch = Self(code: 437)
    static let staleNonce = Self(code: 438)
    static let addressFamilyNotSupported = Self(code: 440)
    static let wrongCredentials = Self(code: 441)
    static let unsupportedTransportProtocol = Self(code: 442)
    static let peerAddressFamilyMismatch = Self(code: 443)
    static let allocationQuotaReached = Self(code: 486)
    static let serverError = Self(code: 500)
    static let insufficientCapacity = Self(code: 508)

    static func defaultReason(for code: UInt16) -> String {
        switch code {
        case 300: "Try Alternate"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 420: "Unknown Attribute"
        case 437: "Allocation Mismatch"
        case 438: "Stale Nonce"
        case 440: "Address Family not Supported"
        case 441: "Wrong Credentials"
        case 442: "Unsupported Transport Protocol"
        case 443: "Peer Address Family Mismatch"
        case 486: "Allocation Quota Reached"
        case 500: "Server Error"
        case 508: "Insufficient Capacity"
        default: "Error"
        }
    }
}
