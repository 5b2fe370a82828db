import Foundation
import Testing
@testable import Relay

@Suite struct PermissionAndChannelTests {
    static let peerA = address("8.8.8.8", 4000)
    static let peerB = address("1.1.1.1", 5000)

    @Test func createPermissionForSeveralPeers() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.allocate(&client)
        let response = try TURNTestHarness.reply(harness.send(harness.signed(
            .createPermission, [.xorPeerAddress(Self.peerA), .xorPeerAddress(Self.peerB)], client: client),
            from: client.fiveTuple))
        #expect(response.message.messageClass == .successResponse)
        #expect(response.verifyIntegrity(key: client.key) == .valid(.sha1))
        let allocation = try #require(harness.server.allocations[client.fiveTuple])
        #expect(allocation.hasPermission(for: Self.peerA.ip, now: harness.now))
        #expect(allocation.hasPermission(for: Self.peerB.ip, now: harness.now))
        harness.advance(300)
        _ = harness.server.expire(now: harness.now)
        #expect(harness.server.allocations[client.fiveTuple]?.permissions.isEmpty == true)
    }

    @Test func createPermissionRefusals() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.allocate(&client)
        func code(_ attributes: [STUNAttribute]) throws -> UInt16? {
            try TURNTestHarness.errorCode(harness.send(harness.signed(.createPermission, attributes, client: client),
                                                       from: client.fiveTuple))
        }
        #expect(try code([]) == 400)
        #expect(try code([.xorPeerAddress(Self.peerA), .xorPeerAddress(address("2001:4860::8888", 1))]) == 443)
        for denied in ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::ffff:127.0.0.1"] {
            let peer = TransportAddress(ip: IPAddress(denied)!, port: 1)
            guard peer.family == .ipv4 else { continue }
            #expect(try code([.xorPeerAddress(Self.peerA), .xorPeerAddress(peer)]) == 403)
        }
        // All or nothing: the allowed peer of a refused request got no permission.
        #expect(harness.server.allocations[client.fiveTuple]?.permissions.isEmpty == true)
        // The appliance's own relay addresses are always reachable.
        var own = TURNTestHarness { $0.peerPolicy.relayAddresses = [TURNTestHarness.relayIPv4.bind] }
        var ownClient = own.makeClient()
        try own.allocate(&ownClient)
        #expect(try TURNTestHarness.errorCode(own.send(own.signed(
            .createPermission, [.xorPeerAddress(TransportAddress(ip: TURNTestHarness.relayIPv4.bind, port: 49999))],
            client: ownClient), from: ownClient.fiveTuple)) == nil)
    }

    @Test func channelBindAndRebindingRules() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.allocate(&client)
        func code(_ number: UInt16, _ peer: TransportAddress) throws -> UInt16? {
            try TURNTestHarness.errorCode(harness.send(harness.signed(
                .channelBind, [.channelNumber(number), .xorPeerAddress(peer)], client: client), from: client.fiveTuple))
        }
        #expect(try code(0x4000, Self.peerA) == nil)
        #expect(harness.server.allocations[client.fiveTuple]?.hasPermission(for: Self.peerA.ip, now: harness.now) == true)
        #expect(try code(0x4000, Self.peerA) == nil)        // refresh
        #expect(try code(0x4000, Self.peerB) == 400)        // channel taken by another peer
        #expect(try code(0x4001, Self.peerA) == 400)        // peer bound to another channel
        #expect(try code(0x7FFF, Self.peerB) == nil)        // RFC 5766 range upper end
        #expect(try code(0x3FFF, Self.peerB) == 400)
        #expect(try code(0x8000, Self.peerB) == 400)
        #expect(try code(0x4002, address("10.0.0.1", 1)) == 403)
        #expect(try code(0x4002, address("2001:4860::8888", 1)) == 443)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(
            .channelBind, [.channelNumber(0x4003)], client: client), from: client.fiveTuple)) == 400)
        // After the binding lapses, the number may go to another peer.
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.refresh, [.lifetime(3600)], client: client),
                                                           from: client.fiveTuple)) == nil)
        harness.advance(600)
        try harness.learnNonce(&client)
        _ = harness.server.expire(now: harness.now)
        #expect(harness.server.allocations[client.fiveTuple]?.channels.isEmpty == true)
        #expect(harness.server.allocations[client.fiveTuple]?.permissions.isEmpty == true)
        #expect(try code(0x4000, Self.peerB) == nil)
    }
}
