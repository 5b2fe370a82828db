/// The FINGERPRINT attribute's checksum (RFC 8489 §14.7): the CRC-32 of
/// ISO/IEC 13239 / IEEE 802.3 (reflected polynomial 0xEDB88320) of the message
/// up to the attribute, XOR-ed with 0x5354554E ("STUN").
///
/// Written here because swift-crypto offers no CRC.
enum Fingerprint {
    static let xorValue: UInt32 = 0x5354_554E

    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// CRC-32 continued over `bytes`; start with `0` and chain the results.
    static func crc32<Bytes: Sequence<UInt8>>(_ bytes: Bytes, continuing crc: UInt32 = 0) -> UInt32 {
        var value = ~crc
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                value = table[Int((value ^ UInt32(byte)) & 0xFF)] ^ (value >> 8)
            }
        }
        return ~value
    }

    /// The attribute value for a message whose bytes before FINGERPRINT are
    /// `header` (with the length field already covering FINGERPRINT) then
    /// `body`.
    static func value(header: some Sequence<UInt8>, body: some Sequence<UInt8>) -> UInt32 {
        crc32(body, continuing: crc32(header)) ^ xorValue
    }
}
