import Logging
import NIOCore

/// One `RelayShard` per event loop, and the handlers that connect listener
/// sockets to them. `RelayServer` owns one group: it installs
/// `configureDatagramListener` on each UDP listener and
/// `configureStreamConnection` in each accepted TCP connection.
///
/// Shards share only `RelayResources` (ports, reservations, quotas), locked
/// when an allocation starts or ends and never per packet. Each address has one UDP
/// listener socket per loop (`SO_REUSEPORT`), and the kernel keeps a client on one of
/// them; TCP connections are spread over loops by the server bootstrap.
final class RelayShardGroup: Sendable {
    let shards: [RelayShard]

    init(configuration: TURNConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger,
         metrics: RelayMetrics = RelayMetrics()) {
        let resources = RelayResources(configuration: configuration)
        shards = eventLoopGroup.makeIterator().enumerated().map { index, loop in
            RelayShard(index: index, eventLoop: loop, configuration: configuration, resources: resources,
                       logger: logger, metrics: metrics)
        }
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
