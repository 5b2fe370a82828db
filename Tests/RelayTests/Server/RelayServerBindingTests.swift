import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@testable import Relay

/// The relay service binds UDP and TCP listeners, reports them, and fails clearly when a
/// port is taken.
@Suite struct RelayServerBindingTests {
    @Test func bindsUDPAndTCPAndStopsOnCancellation() async throws {
        let relay = RelayServer(configuration: .init(listenAddresses: ["127.0.0.1"], port: 0), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run() }
            let addresses = try await relay.awaitListeningAddresses()
            #expect(addresses.count == 2)
            #expect(addresses.allSatisfy { $0.ipAddress == "127.0.0.1" && ($0.port ?? 0) > 0 })
            group.cancelAll()
        }
        #expect(relay.listeningAddresses.isEmpty)
    }

    /// The configuration file's advice, "add :: to serve IPv6 clients too", must work: the
    /// IPv6 wildcard listeners may not collide with the IPv4 ones on the same port.
    @Test func ipv4AndIPv6WildcardsListenSideBySide() async throws {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "::1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close()
        let relay = RelayServer(configuration: .init(listenAddresses: ["0.0.0.0", "::"], port: port),
                                logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run() }
            let addresses = try await relay.awaitListeningAddresses()
            #expect(addresses.map(\.ipAddress) == ["0.0.0.0", "0.0.0.0", "::", "::"])
            #expect(addresses.allSatisfy { $0.port == port })
            group.cancelAll()
        }
    }

    @Test func takenPortIsABindErrorNamingTransportAndPort() async throws {
        let blocker = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(blocker.localAddress?.port)
        defer { blocker.close(promise: nil) }
        let relay = RelayServer(configuration: .init(listenAddresses: ["127.0.0.1"], port: port), logger: Logger(label: "test"))
        await #expect {
            try await relay.run()
        } throws: { error in
            guard let bindError = error as? RelayServer.BindError else { return false }
            return bindError.transport == "udp" && bindError.port == port && bindError.errnoCode == 98
        }
    }
}
