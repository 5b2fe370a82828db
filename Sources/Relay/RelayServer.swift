import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The STUN/TURN relay as a service: binds UDP and TCP listeners on every configured
/// address, serves STUN and TURN on them through one `RelayShard` per event loop
/// (`RelayShardGroup`), and holds them until graceful shutdown.
public final class RelayServer: Service, Sendable {
    /// A listener could not be bound; carries what an operator needs to fix it.
    public struct BindError: Error, CustomStringConvertible {
        public var transport: String
        public var address: String
        public var port: Int
        public var underlying: any Error

        /// The `errno` of the failed `bind(2)`, when the system reported one.
        public var errnoCode: Int32? { (underlying as? IOError)?.errnoCode }

        public var description: String {
            "cannot listen on \(address) port \(port)/\(transport): \(underlying)"
        }
    }

    public let configuration: RelayConfiguration
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let boundAddresses = Mutex<[SocketAddress]>([])

    public init(
        configuration: RelayConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// Local addresses of the bound listeners; empty until `run()` has bound them all.
    public var listeningAddresses: [SocketAddress] {
        boundAddresses.withLock { $0 }
    }

    public func run() async throws {
        if configuration.turnSecret == nil {
            logger.warning("relay has no TURN secret: serving STUN only, every allocation is refused")
        }
        for problem in configuration.relayAddressProblems {
            logger.warning("relay cannot relay for a family", metadata: ["problem": "\(problem)"])
        }
        let shards = RelayShardGroup(
            configuration: configuration.turnConfiguration(), eventLoopGroup: eventLoopGroup, logger: logger)
        shards.start()
        // Every UDP socket of a listener, but one entry per listener for the log and addresses.
        var bound: [(transport: String, channel: any Channel)] = []
        var channels: [any Channel] = []
        do {
            for address in configuration.listenAddresses {
                let udp = try await bindUDP(host: address, shards: shards)
                channels += udp
                bound.append(("udp", udp[0]))
                let tcp = try await bindTCP(host: address, shards: shards)
                channels.append(tcp)
                bound.append(("tcp", tcp))
            }
        } catch {
            for channel in channels { try? await channel.close() }
            await shards.stop()
            throw error
        }
        boundAddresses.withLock { $0 = bound.compactMap(\.channel.localAddress) }
        for listener in bound {
            let local = listener.channel.localAddress
            logger.info(
                "relay listening",
                metadata: [
                    "transport": "\(listener.transport)",
                    "address": "\(local?.ipAddress ?? "?")",
                    "port": "\(local?.port ?? 0)",
                ])
        }

        let listeners = channels
        await withTaskCancellationOrGracefulShutdownHandler {
            for channel in listeners { try? await channel.closeFuture.get() }
        } onCancelOrGracefulShutdown: {
            for channel in listeners { channel.close(promise: nil) }
        }
        await shards.stop()
        boundAddresses.withLock { $0 = [] }
        logger.info("relay stopped")
    }

    /// One UDP socket per event loop on the same port (`SO_REUSEPORT`): the kernel
    /// spreads clients over them by a hash of their address, so every shard serves
    /// clients, and a client always reaches the shard that holds its allocation.
    /// No SO_REUSEADDR: on Linux it would let another program's socket share the port;
    /// with SO_REUSEPORT only sockets of the same user that set it too can.
    private func bindUDP(host: String, shards: RelayShardGroup) async throws -> [any Channel] {
        var channels: [any Channel] = []
        var port = configuration.port
        do {
            for loop in eventLoopGroup.makeIterator() {
                let channel = try await DatagramBootstrap(group: loop)
                    .relayListenerOptions()
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try shards.configureDatagramListener(channel) }
                    }
                    .bind(host: host, port: port)
                    .get()
                channels.append(channel)
                // Port 0 picks a free port once; the other loops' sockets join it.
                port = channel.localAddress?.port ?? port
            }
            return channels
        } catch {
            for channel in channels { try? await channel.close() }
            throw BindError(transport: "udp", address: host, port: configuration.port, underlying: error)
        }
    }

    private func bindTCP(host: String, shards: RelayShardGroup) async throws -> any Channel {
        do {
            return try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try shards.configureStreamConnection(channel) }
                }
                .bind(host: host, port: configuration.port)
                .get()
        } catch {
            throw BindError(transport: "tcp", address: host, port: configuration.port, underlying: error)
        }
    }
}
