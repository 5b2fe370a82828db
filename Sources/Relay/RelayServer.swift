#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
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
        let shards = try RelayShardGroup(
            configuration: configuration.turnConfiguration(), streams: configuration.streamLimits,
            eventLoopGroup: eventLoopGroup, logger: logger)
        shards.start()
        var bound: [(transport: String, address: SocketAddress)] = []
        var tcpListeners: [any Channel] = []
        do {
            for address in configuration.listenAddresses {
                bound.append(("udp", try bindUDP(host: address, shards: shards)))
                let tcp = try await bindTCP(host: address, shards: shards)
                tcpListeners.append(tcp)
                if let local = tcp.localAddress { bound.append(("tcp", local)) }
            }
        } catch {
            for channel in tcpListeners { try? await channel.close() }
            await shards.stop()
            throw error
        }
        boundAddresses.withLock { $0 = bound.map(\.address) }
        for listener in bound {
            logger.info(
                "relay listening",
                metadata: [
                    "transport": "\(listener.transport)",
                    "address": "\(listener.address.ipAddress ?? "?")",
                    "port": "\(listener.address.port ?? 0)",
                ])
        }

        let listeners = tcpListeners
        await withTaskCancellationOrGracefulShutdownHandler {
            for channel in listeners { try? await channel.closeFuture.get() }
        } onCancelOrGracefulShutdown: {
            for channel in listeners { channel.close(promise: nil) }
        }
        await shards.stop()
        boundAddresses.withLock { $0 = [] }
        logger.info("relay stopped")
    }

    /// One UDP socket per shard on the same port (`RelayShardGroup.bindUDP`).
    private func bindUDP(host: String, shards: RelayShardGroup) throws -> SocketAddress {
        do {
            guard let ip = IPAddress(host) else {
                throw IOError(errnoCode: EINVAL, reason: "not an IP address")
            }
            let local = try shards.bindUDP(TransportAddress(ip: ip, port: UInt16(clamping: configuration.port)))
            return SocketAddress(local)
        } catch {
            throw BindError(transport: "udp", address: host, port: configuration.port, underlying: error)
        }
    }

    /// An IPv6 listener serves IPv6 only, as the UDP ones do: on Linux a dual-stack `::`
    /// would collide with the `0.0.0.0` listener of the same port.
    private func bindTCP(host: String, shards: RelayShardGroup) async throws -> any Channel {
        var bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        if IPAddress(host)?.family == .ipv6 {
            bootstrap = bootstrap.serverChannelOption(ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        do {
            return try await bootstrap
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
