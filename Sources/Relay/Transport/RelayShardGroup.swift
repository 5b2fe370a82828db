import Logging
import NIOCore
import Synchronization

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
    /// TCP connections held, per client address and in total, across the shards.
    private let connections: Mutex<ConnectionQuota>

    init(configuration: TURNConfiguration, streams: StreamLimits = StreamLimits(), eventLoopGroup: any EventLoopGroup,
         logger: Logger, metrics: RelayMetrics = RelayMetrics()) throws(IOError) {
        let resources = RelayResources(configuration: configuration)
        eventLoops = Array(eventLoopGroup.makeIterator())
        connections = Mutex(ConnectionQuota(maximumPerAddress: streams.maximumPerAddress, maximum: streams.maximum))
        var shards: [RelayShard] = []
        for index in eventLoops.indices {
            shards.append(try RelayShard(index: index, configuration: configuration, resources: resources,
                                         idleStreamTimeout: streams.idleTimeout, logger: logger, metrics: metrics))
        }
        self.shards = shards
        metrics.announce()
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
    /// the TLS handler) connection, or closes it at once when its address, or the
    /// relay, holds as many connections as allowed.
    func configureStreamConnection(_ channel: any Channel, transport: ClientTransport = .tcp) throws {
        guard let client = channel.remoteAddress.flatMap(TransportAddress.init)?.ip,
              connections.withLock({ $0.admit(client) })
        else {
            let shard = shard(for: channel.eventLoop)
            shard.loop.execute { shard.streamRefused() }
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [self] _ in connections.withLock { $0.release(client) } }
        let shard = shard(for: channel.eventLoop)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TURNStreamDecoder()))
        try channel.pipeline.syncOperations.addHandler(TURNStreamHandler(shard: shard, transport: transport))
    }
}

/// What the relay allows TCP clients (`RelayConfiguration`'s connection settings).
struct StreamLimits: Sendable {
    var maximumPerAddress = 64
    var maximum = 4096
    /// Silence after which a connection that holds no allocation is closed.
    var idleTimeout: Duration = .seconds(5)
}
