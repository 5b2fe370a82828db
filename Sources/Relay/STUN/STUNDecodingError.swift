/// Why received bytes are not a usable STUN message or ChannelData frame.
///
/// A request that fails with `.malformedAttribute` still has a readable
/// header (`STUNHeader`), so a server answers it with 400 (RFC 8489 §6.3.1);
/// every other case is dropped silently (RFC 8489 §6.3).
enum STUNDecodingError: Error, Hashable, Sendable {
    /// Fewer bytes than the header or the declared length needs.
    case truncated
    /// The two leading bits are not zero, so this is not STUN (RFC 8489 §6).
    case notSTUN
    case badMagicCookie
    /// The declared message length is not a multiple of four (RFC 8489 §5).
    case unalignedLength
    /// An attribute's declared length runs past the end of the message.
    case attributeOverrun
    /// A known attribute with a value that breaks its definition.
    case malformedAttribute(STUNAttributeType)
    /// FINGERPRINT present but wrong (RFC 8489 §14.7).
    case fingerprintMismatch
    /// A ChannelData frame whose channel number is outside 0x4000–0x7FFF.
    case invalidChannelNumber(UInt16)
}
