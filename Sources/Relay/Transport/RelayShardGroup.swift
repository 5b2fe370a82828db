import Logging
import NIOCore

/// One `RelayShard` per event loop, and the handlers that connect listener
/// sockets to them. `RelayServer` owns one group: it installs
/// `configureDatagramListener` on each UDP listener and
/// `configureStreamConnection` in each accepted TCP connection.
///
/// Shards share nothing: each gets a contiguous slice of the relay port range
/// and its share of the allocation quotas, so no lock is taken per packet.
/// A UDP listener lives on one loop, so all UDP clients of that listener use
/// its shard; TCP connections are spread over loops by the server bootstrap.
final class RelayShardGroup: Sendable {
    let shards: [RelayShard]

    init(configuration: TURNConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger,
         metrics: RelayMetrics = RelayMetrics()) {
        let loops = Array(eventLoopGroup.makeIterator())
        let count = max(loops.count, 1)
        shards = loops.enumerated().map { index, loop in
            var slice = configuration
            slice.portRange = Self.slice(configuration.portRange, index: index, of: count)
            slice.maximumAllocations = max(1, configuration.maximumAllocations / count)
            return RelayShard(index: index, eventLoop: loop, configuration: slice, logger: logger, metrics: metrics)
        }
    }

    /// The `index`-th of `count` contiguous slices, each starting on an even
    /// port so EVEN-PORT pairs never straddle two shards.
    static func slice(_ range: ClosedRange<UInt16>, index: Int, of count: Int) -> ClosedRange<UInt16> {
        let total = range.count
        guard count > 1, total >= 2 * count else { return range }
        let size = (total / count) & ~1
        let lower = Int(range.lowerBound) + index * size
        let upper = index == count - 1 ? Int(range.upperBound) : lower + size - 1
        return UInt16(lower)...UInt16(upper)
    }

    func shard(for eventLoop: any EventLoop) -> RelayShard {
        shards.first { $0.eventLoop === eventLoop } ?? shards[0]
    }

    func start() {
        for shard in shards { shard.start() }
    }

    func stop() async {
        for shard in shards { try? await shard.stop().get() }
    }

    /// Adds the STUN/ChannelData handler to a UDP listener channel (call in
    /// its channel initializer, on its loop).
    func configureDatagramListener(_ channel: any Channel) throws {
        let handler = STUNDatagramHandler(shard: shard(for: channel.eventLoop))
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    /// Adds framing and the TURN handler to an accepted TCP (or TLS, after
    /// the TLS handler) connection.
    func configureStreamConnection(_ channel: any Channel, transport: ClientTransport = .tcp) throws {
        let shard = shard(for: channel.eventLoop)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TURNStreamDecoder()))
        try channel.pipeline.syncOperations.addHandler(TURNStreamHandler(shard: shard, transport: transport))
    }
}
