import NIOCore

/// Reads peer datagrams arriving at one relayed address and hands them to
/// the shard; it only translates (STYLE.md).
final class RelaySocketHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let shard: RelayShard
    private let relayed: TransportAddress

    init(shard: RelayShard, relayed: TransportAddress) {
        self.shard = shard
        self.relayed = relayed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        shard.peerDatagram(unwrapInboundIn(data), relayed: relayed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors surface as read errors on UDP sockets; the socket stays usable.
    }
}

/// Reads client datagrams on a UDP listener (3478): STUN and ChannelData.
final class STUNDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let shard: RelayShard
    private var local: TransportAddress?

    init(shard: RelayShard) {
        self.shard = shard
    }

    func channelActive(context: ChannelHandlerContext) {
        shard.registerListener(context.channel)
        local = context.channel.localAddress.flatMap(TransportAddress.init)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let local, let client = TransportAddress(envelope.remoteAddress) else { return }
        shard.clientMessage(envelope.data, from: FiveTuple(client: client, server: local, transport: .udp))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP read error (e.g. ICMP port unreachable) must not close the listener.
    }
}
