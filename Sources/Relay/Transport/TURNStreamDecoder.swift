import NIOCore

/// Cuts a TCP/TLS byte stream into whole STUN messages and padded
/// ChannelData frames (RFC 8656 §12.5) with the core's `StreamFrame`.
/// Bytes that cannot start a frame throw, and the connection is closed:
/// a stream out of sync cannot recover.
struct TURNStreamDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        // Twenty bytes announce the length of either kind of frame.
        let header = buffer.getBytes(at: buffer.readerIndex, length: min(buffer.readableBytes, 20)) ?? []
        guard let frame = try StreamFrame.announced(by: header),
              let slice = buffer.readSlice(length: frame.length)
        else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(slice))
        return .continue
    }
}
