/// A STUN message as it arrived: the decoded message plus the raw bytes and
/// the positions of MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and
/// FINGERPRINT, which are needed to check them (RFC 8489 §14.5–14.7).
///
/// Following RFC 8489 §14.5 and §14.6, attributes after MESSAGE-INTEGRITY
/// other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and attributes after
/// MESSAGE-INTEGRITY-SHA256 other than FINGERPRINT, are ignored: they are not
/// in `message.attributes` and never reported as unknown.
struct ReceivedSTUNMessage: Sendable {
    let message: STUNMessage
    let bytes: [UInt8]
    /// Offsets of the attribute headers, when present.
    let integrityOffset: Int?
    let integritySHA256Offset: Int?
    let integritySHA256Length: Int
    let hasFingerprint: Bool

    /// Decodes exactly one message occupying all of `bytes`.
    init(decoding bytes: [UInt8]) throws(STUNDecodingError) {
        guard let header = try STUNHeader(decoding: bytes) else { throw .truncated }
        let end = STUNMessage.headerLength + header.length
        guard bytes.count >= end else { throw .truncated }
        guard bytes.count == end else { throw .attributeOverrun }

        var reader = ByteReader(bytes, offset: STUNMessage.headerLength)
        var attributes: [STUNAttribute] = []
        var integrityOffset: Int?
        var integritySHA256Offset: Int?
        var integritySHA256Length = 0
        var fingerprintOffset: Int?
        while reader.remaining > 0 {
            let offset = reader.offset
            guard let rawType = reader.readUInt16(), let length = reader.readUInt16().map(Int.init),
                  let value = reader.readBytes(length), reader.skip(stunPadding(length))
            else { throw .attributeOverrun }
            let type = STUNAttributeType(rawValue: rawType)
            if fingerprintOffset != nil { continue }
            switch type {
            case .messageIntegrity:
                guard integrityOffset == nil, integritySHA256Offset == nil else { continue }
                guard length == MessageIntegrity.sha1Length else { throw .malformedAttribute(type) }
                integrityOffset = offset
            case .messageIntegritySHA256:
                guard integritySHA256Offset == nil else { continue }
                guard (16...32).contains(length), length % 4 == 0 else { throw .malformedAttribute(type) }
                integritySHA256Offset = offset
                integritySHA256Length = length
            case .fingerprint:
                guard length == 4 else { throw .malformedAttribute(type) }
                var valueReader = ByteReader(value)
                let expected = Fingerprint.value(
                    header: [bytes[0], bytes[1], UInt8(truncatingIfNeeded: (offset + 8 - 20) >> 8),
                             UInt8(truncatingIfNeeded: offset + 8 - 20)] + bytes[4..<20],
                    body: bytes[20..<offset])
                guard valueReader.readUInt32() == expected else { throw .fingerprintMismatch }
                fingerprintOffset = offset
            default:
                guard integrityOffset == nil, integritySHA256Offset == nil else { continue }
                attributes.append(
                    try STUNAttribute.decode(type: type, value: value, transactionID: header.transactionID))
            }
        }
        self.message = STUNMessage(type: header.type, transactionID: header.transactionID, attributes: attributes)
        self.bytes = bytes
        self.integrityOffset = integrityOffset
        self.integritySHA256Offset = integritySHA256Offset
        self.integritySHA256Length = integritySHA256Length
        self.hasFingerprint = fingerprintOffset != nil
    }
}

/// The outcome of checking a received message's integrity.
enum STUNIntegrityCheck: Hashable, Sendable {
    /// Neither integrity attribute is present.
    case absent
    /// The strongest attribute present matched; reply with the same kind
    /// (RFC 8489 §9.2.4).
    case valid(STUNIntegrityKind)
    case invalid
}

/// Which HMAC protected a message.
enum STUNIntegrityKind: Hashable, Sendable {
    case sha1
    case sha256

    /// The encoder option that answers with the same kind.
    func integrity(key: STUNIntegrityKey) -> STUNIntegrity {
        switch self {
        case .sha1: .sha1(key)
        case .sha256: .sha256(key)
        }
    }
}

extension ReceivedSTUNMessage {
    /// Which integrity attribute a verifier would check, without a key.
    var integrityKind: STUNIntegrityKind? {
        if integritySHA256Offset != nil { return .sha256 }
        if integrityOffset != nil { return .sha1 }
        return nil
    }

    /// Checks MESSAGE-INTEGRITY-SHA256 when present, else MESSAGE-INTEGRITY
    /// (RFC 8489 §9.2.4 prefers the SHA-256 one).
    func verifyIntegrity(key: STUNIntegrityKey) -> STUNIntegrityCheck {
        if let offset = integritySHA256Offset {
            let length = integritySHA256Length
            let mac = MessageIntegrity.sha256(bytes, end: offset, claimedEnd: offset + 4 + length, key: key)
            let received = bytes[(offset + 4)..<(offset + 4 + length)]
            return MessageIntegrity.equal(mac.prefix(length), received) ? .valid(.sha256) : .invalid
        }
        if let offset = integrityOffset {
            let length = MessageIntegrity.sha1Length
            let mac = MessageIntegrity.sha1(bytes, end: offset, claimedEnd: offset + 4 + length, key: key)
            let received = bytes[(offset + 4)..<(offset + 4 + length)]
            return MessageIntegrity.equal(mac, received) ? .valid(.sha1) : .invalid
        }
        return .absent
    }
}
