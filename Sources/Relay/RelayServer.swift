import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The STUN/TURN relay as a service: binds UDP and TCP listeners on every configured
/// address and holds them until graceful shutdown.
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
        var bound: [(transport: String, channel: any Channel)] = []
        do {
            for address in configuration.listenAddresses {
                bound.append(("udp", try await bindUDP(host: address)))
                bound.append(("tcp", try await bindTCP(host: address)))
            }
        } catch {
            for listener in bound { try? await listener.channel.close() }
            throw error
        }
        let channels = bound.map(\.channel)
        boundAddresses.withLock { $0 = channels.compactMap(\.localAddress) }
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

        await withTaskCancellationOrGracefulShutdownHandler {
            for channel in channels { try? await channel.closeFuture.get() }
        } onCancelOrGracefulShutdown: {
            for channel in channels { channel.close(promise: nil) }
        }
        boundAddresses.withLock { $0 = [] }
        logger.info("relay stopped")
    }

    private func bindUDP(host: String) async throws -> any Channel {
        do {
            // No SO_REUSEADDR: on Linux it would let a second UDP socket share the port.
            return try await DatagramBootstrap(group: eventLoopGroup)
                .bind(host: host, port: configuration.port)
                .get()
        } catch {
            throw BindError(transport: "udp", address: host, port: configuration.port, underlying: error)
        }
    }

    private func bindTCP(host: String) async throws -> any Channel {
        do {
            return try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    // The TURN protocol arrives with the relay core; until then a
                    // connection is accepted and closed so clients fail fast.
                    channel.close()
                }
                .bind(host: host, port: configuration.port)
                .get()
        } catch {
            throw BindError(transport: "tcp", address: host, port: configuration.port, underlying: error)
        }
    }
}
