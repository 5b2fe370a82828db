/// A STUN message (RFC 8489 §5): type, transaction id and attributes.
///
/// MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are added by
/// `encode(integrity:fingerprint:)`; received messages are decoded through
/// `ReceivedSTUNMessage`, which keeps the bytes those attributes protect.
struct STUNMessage: Hashable, Sendable {
    static let magicCookie: UInt32 = 0x2112_A442
    static let headerLength = 20

    var type: STUNMessageType
    var transactionID: STUNTransactionID
    var attributes: [STUNAttribute]

    init(type: STUNMessageType, transactionID: STUNTransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    var method: STUNMethod { type.method }
    var messageClass: STUNMessageClass { type.messageClass }

    /// Decodes one whole message, checking FINGERPRINT when present.
    init(decoding bytes: [UInt8]) throws(STUNDecodingError) {
        self = try ReceivedSTUNMessage(decoding: bytes).message
    }

    /// Comprehension-required attributes this codec does not know, in order
    /// of appearance and without repeats: the UNKNOWN-ATTRIBUTES of a 420
    /// (RFC 8489 §6.3.1). Attributes after MESSAGE-INTEGRITY never count.
    var unknownComprehensionRequired: [STUNAttributeType] {
        var seen: [STUNAttributeType] = []
        for case .unknown(let type, _) in attributes where type.isComprehensionRequired && !seen.contains(type) {
            seen.append(type)
        }
        return seen
    }

    /// The first attribute of a type: RFC 8489 §14 says later duplicates may
    /// be ignored.
    func first(_ type: STUNAttributeType) -> STUNAttribute? {
        attributes.first { $0.type == type }
    }
}

extension STUNMessage {
    /// Encodes the message, appending MESSAGE-INTEGRITY(-SHA256) and
    /// FINGERPRINT as asked, in the order RFC 8489 §14.5–14.7 requires.
    ///
    /// `paddingByte` fills attribute padding; RFC 8489 §14 lets it be any
    /// value, and RFC 5769's vectors use spaces.
    func encode(
        integrity: STUNIntegrity? = nil, fingerprint: Bool = false, paddingByte: UInt8 = 0
    ) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(128)
        bytes.appendUInt16(type.rawValue)
        bytes.appendUInt16(0)
        bytes.appendUInt32(Self.magicCookie)
        bytes.append(contentsOf: transactionID.bytes)
        for attribute in attributes {
            attribute.encode(into: &bytes, transactionID: transactionID, paddingByte: paddingByte)
        }
        switch integrity {
        case .sha1(let key):
            appendSHA1(to: &bytes, key: key)
        case .sha256(let key):
            appendSHA256(to: &bytes, key: key)
        case .sha1AndSHA256(let key):
            appendSHA1(to: &bytes, key: key)
            appendSHA256(to: &bytes, key: key)
        case nil:
            break
        }
        if fingerprint {
            let end = bytes.count
            bytes.setUInt16(UInt16(truncatingIfNeeded: end + 8 - Self.headerLength), at: 2)
            let crc = Fingerprint.crc32(bytes) ^ Fingerprint.xorValue
            bytes.appendUInt16(STUNAttributeType.fingerprint.rawValue)
            bytes.appendUInt16(4)
            bytes.appendUInt32(crc)
        }
        bytes.setUInt16(UInt16(truncatingIfNeeded: bytes.count - Self.headerLength), at: 2)
        return bytes
    }

    private func appendSHA1(to bytes: inout [UInt8], key: STUNIntegrityKey) {
        let end = bytes.count
        let mac = MessageIntegrity.sha1(bytes, end: end, claimedEnd: end + 4 + MessageIntegrity.sha1Length, key: key)
        bytes.appendUInt16(STUNAttributeType.messageIntegrity.rawValue)
        bytes.appendUInt16(UInt16(MessageIntegrity.sha1Length))
        bytes.append(contentsOf: mac)
    }

    private func appendSHA256(to bytes: inout [UInt8], key: STUNIntegrityKey) {
        let end = bytes.count
        let mac = MessageIntegrity.sha256(
            bytes, end: end, claimedEnd: end + 4 + MessageIntegrity.sha256Length, key: key)
        bytes.appendUInt16(STUNAttributeType.messageIntegritySHA256.rawValue)
        bytes.appendUInt16(UInt16(MessageIntegrity.sha256Length))
        bytes.append(contentsOf: mac)
    }
}
