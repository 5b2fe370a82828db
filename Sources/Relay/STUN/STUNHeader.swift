/// The fixed 20-byte STUN header (RFC 8489 §5), readable on its own so that
/// a request with a malformed body can still be answered with 400, and so
/// that stream framing can learn a message's length.
struct STUNHeader: Hashable, Sendable {
    var type: STUNMessageType
    /// The length of the attributes, excluding the header.
    var length: Int
    var transactionID: STUNTransactionID

    /// `nil` when fewer than 20 bytes are available; throws when the bytes
    /// cannot begin a STUN message.
    init?(decoding bytes: [UInt8], at offset: Int = 0) throws(STUNDecodingError) {
        var reader = ByteReader(bytes, offset: offset)
        guard reader.remaining >= STUNMessage.headerLength,
              let rawType = reader.readUInt16(), let length = reader.readUInt16(),
              let cookie = reader.readUInt32(), let high = reader.readUInt32(), let low = reader.readUInt64()
        else { return nil }
        guard let type = STUNMessageType(rawValue: rawType) else { throw .notSTUN }
        guard cookie == STUNMessage.magicCookie else { throw .badMagicCookie }
        guard length % 4 == 0 else { throw .unalignedLength }
        self.type = type
        self.length = Int(length)
        self.transactionID = STUNTransactionID(high: high, low: low)
    }
}
