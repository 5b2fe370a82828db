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

/// One TCP/TLS client connection: frames go to the shard's thread with the
/// connection's 5-tuple, in order; closing the connection ends its allocation.
final class TURNStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let shard: RelayShard
    private let transport: ClientTransport
    private var fiveTuple: FiveTuple?

    init(shard: RelayShard, transport: ClientTransport = .tcp) {
        self.shard = shard
        self.transport = transport
    }

    func channelActive(context: ChannelHandlerContext) {
        if let client = context.channel.remoteAddress.flatMap(TransportAddress.init),
           let server = context.channel.localAddress.flatMap(TransportAddress.init) {
            let fiveTuple = FiveTuple(client: client, server: server, transport: transport)
            self.fiveTuple = fiveTuple
            let (shard, channel) = (shard, context.channel)
            shard.loop.execute { shard.streamOpened(fiveTuple, channel: channel) }
        } else {
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let fiveTuple else { return }
        let (shard, frame) = (shard, unwrapInboundIn(data))
        shard.loop.execute { shard.streamMessage(frame, from: fiveTuple) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let fiveTuple {
            let shard = shard
            shard.loop.execute { shard.streamClosed(fiveTuple) }
        }
        fiveTuple = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is STUNDecodingError {
            let shard = shard
            shard.loop.execute { shard.streamOutOfSync() }
        }
        context.close(promise: nil)
    }
}
