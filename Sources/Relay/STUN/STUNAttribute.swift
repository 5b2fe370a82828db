/// One decoded STUN attribute (RFC 8489 §14, RFC 8656 §18, RFC 8445 §16.1).
///
/// MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are not here:
/// they protect the encoded bytes, so the encoder writes them
/// (`STUNMessage.encode(integrity:fingerprint:)`) and the decoder records where
/// they were (`ReceivedSTUNMessage`).
enum STUNAttribute: Hashable, Sendable {
    case mappedAddress(TransportAddress)
    case xorMappedAddress(TransportAddress)
    case xorPeerAddress(TransportAddress)
    case xorRelayedAddress(TransportAddress)
    case alternateServer(TransportAddress)
    /// UTF-8, under 513 bytes (§14.3).
    case username(String)
    /// SHA-256(username ":" realm), 32 bytes (§14.4).
    case userhash([UInt8])
    case realm(String)
    case nonce(String)
    case errorCode(STUNErrorCode)
    case unknownAttributes([STUNAttributeType])
    case software(String)
    case alternateDomain(String)
    case passwordAlgorithms([PasswordAlgorithm])
    case passwordAlgorithm(PasswordAlgorithm)
    /// Seconds (RFC 8656 §18.4).
    case lifetime(UInt32)
    /// An IANA protocol number; 17 is UDP (RFC 8656 §18.7).
    case requestedTransport(UInt8)
    case dontFragment
    case data([UInt8])
    case channelNumber(UInt16)
    /// R bit: also reserve the next higher port (RFC 8656 §18.8).
    case evenPort(reserveNextPort: Bool)
    /// Eight opaque bytes (RFC 8656 §18.9).
    case reservationToken([UInt8])
    /// The raw family byte, so that an unknown family can be answered with 440.
    case requestedAddressFamily(UInt8)
    case additionalAddressFamily(UInt8)
    case addressErrorCode(family: UInt8, error: STUNErrorCode)
    case icmp(type: UInt8, code: UInt8, data: UInt32)
    case priority(UInt32)
    case useCandidate
    case iceControlled(UInt64)
    case iceControlling(UInt64)
    /// Any attribute this codec does not understand, kept verbatim.
    case unknown(type: STUNAttributeType, value: [UInt8])

    var type: STUNAttributeType {
        switch self {
        case .mappedAddress: .mappedAddress
        case .xorMappedAddress: .xorMappedAddress
        case .xorPeerAddress: .xorPeerAddress
        case .xorRelayedAddress: .xorRelayedAddress
        case .alternateServer: .alternateServer
        case .username: .username
        case .userhash: .userhash
        case .realm: .realm
        case .nonce: .nonce
        case .errorCode: .errorCode
        case .unknownAttributes: .unknownAttributes
        case .software: .software
        case .alternateDomain: .alternateDomain
        case .passwordAlgorithms: .passwordAlgorithms
        case .passwordAlgorithm: .passwordAlgorithm
        case .lifetime: .lifetime
        case .requestedTransport: .requestedTransport
        case .dontFragment: .dontFragment
        case .data: .data
        case .channelNumber: .channelNumber
        case .evenPort: .evenPort
        case .reservationToken: .reservationToken
        case .requestedAddressFamily: .requestedAddressFamily
        case .additionalAddressFamily: .additionalAddressFamily
        case .addressErrorCode: .addressErrorCode
        case .icmp: .icmp
        case .priority: .priority
        case .useCandidate: .useCandidate
        case .iceControlled: .iceControlled
        case .iceControlling: .iceControlling
        case .unknown(let type, _): type
        }
    }
}
