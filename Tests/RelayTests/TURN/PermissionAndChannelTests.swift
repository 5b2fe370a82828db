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
    }

    @Test func theAppliancesOwnAddressIsReachableOnRelayedPortsOnly() throws {
        var own = TURNTestHarness { $0.peerPolicy.relayAddresses = [TURNTestHarness.relayIPv4.bind] }
        var client = own.makeClient()
        try own.allocate(&client)
        let relay = TURNTestHarness.relayIPv4.bind
        func code(_ method: STUNMethod, _ port: UInt16) throws -> UInt16? {
            let peer = STUNAttribute.xorPeerAddress(TransportAddress(ip: relay, port: port))
            let attributes: [STUNAttribute] = method == .channelBind ? [.channelNumber(0x4000), peer] : [peer]
            return try TURNTestHarness.errorCode(own.send(own.signed(method, attributes, client: client),
                                                          from: client.fiveTuple))
        }
        for port: UInt16 in [53, 161, 3478, 49151] {
            #expect(try code(.createPermission, port) == 403)
            #expect(try code(.channelBind, port) == 403)
        }
        #expect(try code(.createPermission, 49999) == nil)
        // The permission is for the IP; a Send indication to a service port is still dropped.
        let send = STUNMessage(
            type: STUNMessageType(method: .send, messageClass: .indication), transactionID: .random(),
            attributes: [.xorPeerAddress(TransportAddress(ip: relay, port: 53)), .data([1, 2, 3])]).encode()
        #expect(own.send(send, from: client.fiveTuple) == [.drop(.forbiddenPeer)])
        #expect(try code(.channelBind, 49999) == nil)
    }

    @Test func permissionsPerAllocationAreCappedAllOrNone() throws {
        var harness = TURNTestHarness { $0.maximumPermissionsPerAllocation = 4 }
        var client = harness.makeClient()
        try harness.allocate(&client)
        func code(_ hosts: [Int]) throws -> UInt16? {
            let peers = hosts.map { STUNAttribute.xorPeerAddress(address("8.8.8.\($0)", 1000)) }
            return try TURNTestHarness.errorCode(harness.send(harness.signed(.createPermission, peers, client: client),
                                                              from: client.fiveTuple))
        }
        #expect(try code([1, 2, 3, 4, 5]) == 508)     // more peers than an allocation holds
        #expect(try code([1, 2, 3]) == nil)
        #expect(try code([3, 4, 5]) == 508)           // two new ones would make five
        #expect(harness.server.allocations[client.fiveTuple]?.permissions.count == 3)
        #expect(try code([1, 2, 3, 4]) == nil)        // refreshing is always possible
        #expect(try code([6]) == 508)
        // Lapsed permissions free their places.
        harness.advance(300)
        try harness.learnNonce(&client)
        #expect(try code([6, 7]) == nil)
    }

    @Test func channelsPerAllocationAreCapped() throws {
        var harness = TURNTestHarness {
            $0.maximumChannelsPerAllocation = 2
            $0.maximumPermissionsPerAllocation = 3
        }
        var client = harness.makeClient()
        try harness.allocate(&client)
        func code(_ number: UInt16, _ host: Int) throws -> UInt16? {
            try TURNTestHarness.errorCode(harness.send(harness.signed(
                .channelBind, [.channelNumber(number), .xorPeerAddress(address("8.8.8.\(host)", 1000))], client: client),
                from: client.fiveTuple))
        }
        #expect(try code(0x4000, 1) == nil)
        #expect(try code(0x4001, 2) == nil)
        #expect(try code(0x4002, 3) == 508)
        #expect(try code(0x4001, 2) == nil)           // refresh
        // A channel needs a permission place too.
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(
            .createPermission, [.xorPeerAddress(address("8.8.8.9", 1))], client: client), from: client.fiveTuple)) == nil)
        var three = TURNTestHarness {
            $0.maximumChannelsPerAllocation = 5
            $0.maximumPermissionsPerAllocation = 1
        }
        var other = three.makeClient()
        try three.allocate(&other)
        #expect(try TURNTestHarness.errorCode(three.send(three.signed(
            .channelBind, [.channelNumber(0x4000), .xorPeerAddress(address("8.8.8.1", 1))], client: other),
            from: other.fiveTuple)) == nil)
        #expect(try TURNTestHarness.errorCode(three.send(three.signed(
            .channelBind, [.channelNumber(0x4001), .xorPeerAddress(address("8.8.8.2", 1))], client: other),
            from: other.fiveTuple)) == 508)
        #expect(three.server.allocations[other.fiveTuple]?.channels.count == 1)
    }

    @Test func refreshingKeepsOneExpiryEntryPerTarget() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.allocate(&client)
        let before = harness.server.expiries.count
        for _ in 0..<40 {
            harness.advance(1)
            _ = harness.send(harness.signed(.createPermission, [.xorPeerAddress(Self.peerA)], client: client),
                             from: client.fiveTuple)
            _ = harness.send(harness.signed(.channelBind, [.channelNumber(0x4000), .xorPeerAddress(Self.peerA)],
                                            client: client), from: client.fiveTuple)
            _ = harness.send(harness.signed(.refresh, [.lifetime(600)], client: client), from: client.fiveTuple)
        }
        // The allocation, one permission, one channel.
        #expect(harness.server.expiries.count <= before + 2)
        // Refreshed targets still lapse at their last deadline, not the first.
        harness.advance(299)
        _ = harness.server.expire(now: harness.now)
        #expect(harness.server.allocations[client.fiveTuple]?.hasPermission(for: Self.peerA.ip, now: harness.now) == true)
        harness.advance(2)
        _ = harness.server.expire(now: harness.now)
        #expect(harness.server.allocations[client.fiveTuple]?.permissions.isEmpty == true)
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
