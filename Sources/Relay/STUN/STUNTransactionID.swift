/// The 96-bit transaction identifier of RFC 8489 §5, held inline (no heap).
struct STUNTransactionID: Hashable, Sendable {
    var high: UInt32
    var low: UInt64

    init(high: UInt32, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Exactly twelve bytes, or `nil`.
    init?(bytes: [UInt8]) {
        var reader = ByteReader(bytes)
        guard bytes.count == 12, let high = reader.readUInt32(), let low = reader.readUInt64() else {
            return nil
        }
        self.init(high: high, low: low)
    }

    /// A fresh identifier from a cryptographically secure generator, as RFC
    /// 8489 §5 requires so that responses cannot be forged blindly.
    static func random() -> STUNTransactionID {
        var generator = SystemRandomNumberGenerator()
        return STUNTransactionID(high: generator.next(), low: generator.next())
    }

    var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(12)
        result.appendUInt32(high)
        result.appendUInt64(low)
        return result
    }
}
