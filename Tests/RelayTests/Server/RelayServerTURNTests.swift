import Foundation
import Logging
import NIOCore
import NIOPosix
import Testing
@testable import Relay

/// The relay service end to end on loopback: STUN and a TURN allocation.
@Suite struct RelayServerTURNTests {
    @Test func servesAnAllocationThroughTheService() async throws {
        let secret = TURNSecret.derived(fromJWTSecret: Array("a-jwt-secret-of-at-least-32-bytes!!".utf8))
        let configuration = RelayConfiguration(
            listenAddresses: ["127.0.0.1"], port: 0, realm: "service", turnSecret: secret,
            portRange: 44000...44999, allowLoopbackPeers: true)
        let relay = RelayServer(configuration: configuration, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run() }
            let addresses = try await relay.awaitListeningAddresses()
            let server = try #require(addresses.first)
            let inbox = Collector<AddressedEnvelope<ByteBuffer>>()
            let client = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(inbox) }
                }
                .bind(host: "127.0.0.1", port: 0).get()

            let challenge = try await LoopbackRelayTests.exchange(
                TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)]), via: client, collector: inbox, to: server)
            guard case .nonce(let nonce)? = challenge.first(.nonce) else { Issue.record("no nonce"); return }
            let credential = TURNCredentialMinter(secret: secret).mint(user: "1001", ttl: .seconds(60), now: Date())
            let key = try #require(STUNIntegrityKey.longTerm(
                username: credential.username, realm: "service", password: credential.credential))
            let request = STUNMessage(
                type: STUNMessageType(method: .allocate, messageClass: .request), transactionID: .random(),
                attributes: [.requestedTransport(17), .username(credential.username), .realm("service.test"), .nonce(nonce)])
            let allocated = try await LoopbackRelayTests.exchange(
                request.encode(integrity: .sha1(key)), via: client, collector: inbox, to: server)
            guard case .xorRelayedAddress(let relayed)? = allocated.first(.xorRelayedAddress) else {
                Issue.record("allocation failed: \(allocated)"); return
            }
            #expect(relayed.ip == IPAddress("127.0.0.1"))
            #expect((44000...44999).contains(relayed.port))
            try await client.close()
            group.cancelAll()
        }
    }
}

@Suite struct RelayConfigurationTests {
    @Test func relayAddressesFollowListenAndPublicAddresses() throws {
        let plain = RelayConfiguration(listenAddresses: ["10.0.0.5", "2001:db8::5"])
        #expect(plain.relayAddresses == [RelayAddress(bind: IPAddress("10.0.0.5")!),
                                         RelayAddress(bind: IPAddress("2001:db8::5")!)])
        #expect(plain.relayAddressProblems.isEmpty)

        let natted = RelayConfiguration(listenAddresses: ["0.0.0.0", "::"], publicAddresses: [IPAddress("203.0.113.7")!])
        #expect(natted.relayAddresses == [RelayAddress(bind: IPAddress("0.0.0.0")!, advertised: IPAddress("203.0.113.7")!)])
        #expect(natted.relayAddressProblems.count == 1)
        #expect(natted.relayAddressProblems.first?.contains("IPv6") == true)
    }

    @Test func turnConfigurationAllowsTheApplianceItselfOnRelayedPortsOnly() throws {
        let configuration = RelayConfiguration(
            listenAddresses: ["10.0.0.5"], publicAddresses: [IPAddress("203.0.113.7")!], portRange: 50000...50099,
            allowedPeerNetworks: [try CIDR("192.168.1.0/24")])
        let policy = configuration.turnConfiguration().peerPolicy
        func permits(_ host: String, _ port: UInt16) -> Bool {
            policy.permits(TransportAddress(ip: IPAddress(host)!, port: port))
        }
        #expect(permits("10.0.0.5", 50000))
        #expect(permits("203.0.113.7", 50099))
        #expect(!permits("10.0.0.5", 53))
        #expect(!permits("203.0.113.7", 50100))
        #expect(permits("192.168.1.9", 53))
        #expect(!permits("10.0.0.6", 50000))
        #expect(!permits("127.0.0.1", 50000))
    }

    @Test func noSecretMeansNoCredentialVerifies() {
        let turn = RelayConfiguration(listenAddresses: ["127.0.0.1"]).turnConfiguration()
        #expect(turn.secret != TURNSecret.derived(fromJWTSecret: []))
        #expect(turn.secret != RelayConfiguration(listenAddresses: ["127.0.0.1"]).turnConfiguration().secret)
    }
}
