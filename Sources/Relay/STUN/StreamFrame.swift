/// Framing of a byte stream (TCP or TLS) that carries STUN messages and
/// ChannelData frames interleaved (RFC 8489 §6.2.2, RFC 8656 §12.5).
///
/// The first two bits tell them apart: `00` starts a STUN message, `01` a
/// ChannelData frame (channels 0x4000–0x7FFF); anything else means the stream
/// is out of sync and must be closed.
struct StreamFrame: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case stun
        case channelData
    }

    var kind: Kind
    /// Bytes the frame occupies in the stream, ChannelData padding included.
    var length: Int

    /// Finds the frame starting at `offset`: `nil` if more bytes are needed to
    /// know it is complete, throws when the bytes cannot start a frame.
    static func next(in bytes: [UInt8], at offset: Int = 0) throws(STUNDecodingError) -> StreamFrame? {
        guard let frame = try announced(by: bytes, at: offset) else { return nil }
        return bytes.count - offset >= frame.length ? frame : nil
    }

    /// The frame whose first bytes are at `offset`, complete or not: at most
    /// 20 bytes are read (a STUN header), 4 for ChannelData. `nil` when even
    /// those are not there yet.
    static func announced(by bytes: [UInt8], at offset: Int = 0) throws(STUNDecodingError) -> StreamFrame? {
        guard offset < bytes.count else { return nil }
        switch bytes[offset] >> 6 {
        case 0b00:
            guard let header = try STUNHeader(decoding: bytes, at: offset) else { return nil }
            return StreamFrame(kind: .stun, length: STUNMessage.headerLength + header.length)
        case 0b01:
            guard let (_, payloadLength) = try ChannelData.header(bytes, at: offset) else { return nil }
            return StreamFrame(kind: .channelData, length: ChannelData.headerLength + payloadLength + stunPadding(payloadLength))
        default:
            throw .notSTUN
        }
    }
}
