import Logging
import NIOCore

/// One `RelayShard` (with its thread) per SwiftNIO event loop, and what connects the
/// relay's listeners to them. `RelayServer` owns one group: it binds the UDP listeners
/// with `bindUDP` and installs `configureStreamConnection` in each accepted TCP
/// connection.
///
/// Shards share only `RelayResources` (ports, reservations, quotas), locked when an
/// allocation starts or ends and never per packet. Each address has one UDP listener
/// socket per shard (`SO_REUSEPORT`), and the kernel keeps a client on one of them; TCP
/// connections go to the shard of the event loop that accepted them.
final class RelayShardGroup: Sendable {
    let shards: [RelayShard]
    private let eventLoops: [any EventLoop]

    init(configuration: TURNConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger,
         metrics: RelayMetrics = RelayMetrics()) throws(IOError) {
        let resources = RelayResources(configuration: configuration)
        eventLoops = Array(eventLoopGroup.makeIterator())
        var shards: [RelayShard] = []
        for index in eventLoops.indices {
            shards.append(try RelayShard(index: index, configuration: configuration, resources: resources,
                                         logger: logger, metrics: metrics))
        }
        self.shards = shards
    }

    func shard(for eventLoop: any EventLoop) -> RelayShard {
        shards[eventLoops.firstIndex { $0 === eventLoop } ?? 0]
    }

    func start() {
        for shard in shards { shard.start() }
    }

    func stop() async {
        for shard in shards { await shard.stop() }
    }

    /// Binds one UDP listener socket per shard on `address` (port 0: one free port for
    /// all) and hands each to its shard. Returns the bound address; binds none on error.
    func bindUDP(_ address: TransportAddress) throws(IOError) -> TransportAddress {
        var bound: [UDPSocket] = []
        var local = address
        for _ in shards {
            let socket = try UDPSocket.listener(at: local)
            bound.append(socket)
            local = try socket.localAddress()
        }
        for (shard, socket) in zip(shards, bound) {
            let listener = local
            shard.loop.execute { shard.addListener(socket, at: listener) }
        }
        return local
    }

    /// Adds framing and the TURN handler to an accepted TCP (or TLS, after
    /// the TLS handler) connection.
    func configureStreamConnection(_ channel: any Channel, transport: ClientTransport = .tcp) throws {
        let shard = shard(for: channel.eventLoop)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TURNStreamDecoder()))
        try channel.pipeline.syncOperations.addHandler(TURNStreamHandler(shard: shard, transport: transport))
    }
}
