/// Codec of the address attributes: MAPPED-ADDRESS and ALTERNATE-SERVER as
/// plain values (RFC 8489 §14.1, §14.15), and XOR-MAPPED-ADDRESS,
/// XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS obfuscated with the magic cookie
/// and the transaction id (RFC 8489 §14.2, RFC 8656 §18.3, §18.5).
extension TransportAddress {
    static func decode(
        stunValue value: [UInt8], xorWith transactionID: STUNTransactionID?
    ) -> TransportAddress? {
        var reader = ByteReader(value)
        guard reader.readUInt8() != nil, let family = reader.readUInt8(), let rawPort = reader.readUInt16() else {
            return nil
        }
        let xor = transactionID != nil
        let port = xor ? rawPort ^ UInt16(truncatingIfNeeded: STUNMessage.magicCookie >> 16) : rawPort
        switch AddressFamily(rawValue: family) {
        case .ipv4:
            guard value.count == 8, let raw = reader.readUInt32() else { return nil }
            let address = xor ? raw ^ STUNMessage.magicCookie : raw
            return TransportAddress(ip: .v4(IPv4Address(address)), port: port)
        case .ipv6:
            guard value.count == 20, let high = reader.readUInt64(), let low = reader.readUInt64() else {
                return nil
            }
            var address = IPv6Address(high: high, low: low)
            if let transactionID {
                address.high ^= UInt64(STUNMessage.magicCookie) << 32 | UInt64(transactionID.high)
                address.low ^= transactionID.low
            }
            return TransportAddress(ip: .v6(address), port: port)
        case nil:
            return nil
        }
    }

    func encodeSTUNValue(into bytes: inout [UInt8], xorWith transactionID: STUNTransactionID?) {
        bytes.append(0)
        bytes.append(family.rawValue)
        let xor = transactionID != nil
        bytes.appendUInt16(xor ? port ^ UInt16(truncatingIfNeeded: STUNMessage.magicCookie >> 16) : port)
        switch ip {
        case .v4(let address):
            bytes.appendUInt32(xor ? address.value ^ STUNMessage.magicCookie : address.value)
        case .v6(var address):
            if let transactionID {
                address.high ^= UInt64(STUNMessage.magicCookie) << 32 | UInt64(transactionID.high)
                address.low ^= transactionID.low
            }
            bytes.appendUInt64(address.high)
            bytes.appendUInt64(address.low)
        }
    }
}
