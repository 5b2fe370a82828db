import NIOCore
import Synchronization

/// One TCP/TLS client connection, on a SwiftNIO event loop: the frames of one read burst
/// go to the shard's thread in one hand-over, with the connection's 5-tuple, in order;
/// closing the connection ends its allocation.
///
/// While more than `maximumQueuedFrames` of its frames wait for the shard, or its outgoing
/// buffer is full, the connection stops reading, so a client that sends faster than the
/// relay answers is pushed back by TCP instead of growing a queue.
final class TURNStreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let maximumQueuedFrames = 256

    private let shard: RelayShard
    private let transport: ClientTransport
    let backlog = Backlog()
    private var fiveTuple: FiveTuple?
    /// Frames of the current read burst.
    private var burst: [ByteBuffer] = []

    /// Shared with the shard's thread.
    final class Backlog: Sendable {
        /// Frames handed to the shard and not yet relayed.
        let queued = Atomic<Int>(0)
        /// A read was held back because too many frames were queued.
        let paused = Atomic<Bool>(false)
    }

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
        burst.append(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let frames = burst
        burst.removeAll()
        if let fiveTuple, !frames.isEmpty {
            backlog.queued.add(frames.count, ordering: .sequentiallyConsistent)
            let (shard, channel, backlog) = (shard, context.channel, backlog)
            shard.loop.execute {
                shard.streamMessages(frames, from: fiveTuple)
                backlog.queued.subtract(frames.count, ordering: .sequentiallyConsistent)
                // Resume a held-back read; `read(context:)` checks the queue again.
                if backlog.paused.exchange(false, ordering: .sequentiallyConsistent) { channel.read() }
            }
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if mayRead(context.channel) {
            context.read()
            return
        }
        backlog.paused.store(true, ordering: .sequentiallyConsistent)
        // The shard may have emptied the queue before it could see `paused`.
        if mayRead(context.channel), backlog.paused.exchange(false, ordering: .sequentiallyConsistent) {
            context.read()
        }
    }

    /// A client that does not read its answers is not read either, so that they cannot pile
    /// up in the outgoing buffer.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, backlog.paused.exchange(false, ordering: .sequentiallyConsistent) {
            context.channel.read()  // through `read(context:)`, which checks again
        }
        context.fireChannelWritabilityChanged()
    }

    private func mayRead(_ channel: any Channel) -> Bool {
        backlog.queued.load(ordering: .sequentiallyConsistent) <= Self.maximumQueuedFrames && channel.isWritable
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
