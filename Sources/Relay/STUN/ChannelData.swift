/// A ChannelData message (RFC 8656 §12.4): a 16-bit channel number, a 16-bit
/// payload length, then the payload. Over TCP the frame is padded to a
/// multiple of four bytes, the padding not counted in the length (§12.5).
struct ChannelData: Hashable, Sendable {
    static let headerLength = 4

    /// RFC 8656 narrows usable channels to 0x4000–0x4FFF, but RFC 5766 and
    /// coturn accept up to 0x7FFF and Debian's `turnutils_uclient` picks
    /// numbers across that range, so the whole range is accepted.
    static let channelNumbers: ClosedRange<UInt16> = 0x4000...0x7FFF

    var channelNumber: UInt16
    var payload: [UInt8]

    init(channelNumber: UInt16, payload: [UInt8]) {
        self.channelNumber = channelNumber
        self.payload = payload
    }

    /// Reads a ChannelData header: `nil` if fewer than four bytes are
    /// available, throws if the channel number is outside the valid range.
    /// Lets an I/O adapter route a frame without copying its payload.
    static func header(
        _ bytes: [UInt8], at offset: Int = 0
    ) throws(STUNDecodingError) -> (channelNumber: UInt16, length: Int)? {
        var reader = ByteReader(bytes, offset: offset)
        guard let number = reader.readUInt16(), let length = reader.readUInt16() else { return nil }
        guard channelNumbers.contains(number) else { throw .invalidChannelNumber(number) }
        return (number, Int(length))
    }

    /// Decodes one frame from a datagram or a framed stream chunk. Up to three
    /// trailing padding bytes are accepted, as RFC 8656 §12.5 allows them
    /// over UDP too.
    init(decoding bytes: [UInt8]) throws(STUNDecodingError) {
        guard let (number, length) = try Self.header(bytes) else { throw .truncated }
        let end = Self.headerLength + length
        guard bytes.count >= end else { throw .truncated }
        guard bytes.count - end < 4 else { throw .attributeOverrun }
        self.init(channelNumber: number, payload: Array(bytes[Self.headerLength..<end]))
    }

    /// Encodes the frame; `padded` rounds it up to four bytes, required over
    /// TCP and TLS (RFC 8656 §12.5).
    func encode(padded: Bool) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.headerLength + payload.count + 3)
        bytes.appendUInt16(channelNumber)
        bytes.appendUInt16(UInt16(truncatingIfNeeded: payload.count))
        bytes.append(contentsOf: payload)
        if padded {
            bytes.append(contentsOf: repeatElement(0, count: stunPadding(payload.count)))
        }
        return bytes
    }
}
