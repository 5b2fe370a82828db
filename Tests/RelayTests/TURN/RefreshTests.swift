import Foundation
import Testing
@testable import Relay

@Suite struct RefreshTests {
    @Test func refreshExtendsAndZeroDeletes() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        let (_, relayed) = try harness.allocate(&client)
        harness.advance(500)
        let refreshed = try TURNTestHarness.reply(harness.send(
            harness.signed(.refresh, [.lifetime(1200)], client: client), from: client.fiveTuple))
        #expect(refreshed.message.first(.lifetime) == .lifetime(1200))
        #expect(refreshed.verifyIntegrity(key: client.key) == .valid(.sha1))
        harness.advance(1000)  // past the original 600 s
        #expect(harness.server.expire(now: harness.now).isEmpty)
        #expect(harness.server.allocationCount == 1)

        try harness.learnNonce(&client)
        let actions = harness.send(harness.signed(.refresh, [.lifetime(0)], client: client), from: client.fiveTuple)
        #expect(try TURNTestHarness.reply(actions).message.first(.lifetime) == .lifetime(0))
        #expect(actions.contains(.closeRelay(relayed)))
        #expect(harness.server.allocationCount == 0)
        #expect(harness.server.resources.available(family: .ipv4) == 16384)
    }

    @Test func refreshErrors() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.refresh, [], client: client),
                                                           from: client.fiveTuple)) == 437)
        try harness.allocate(&client)
        var intruder = harness.makeClient(client.fiveTuple, user: "2002")
        intruder.nonce = client.nonce
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.refresh, [], client: intruder),
                                                           from: client.fiveTuple)) == 441)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.refresh, [.requestedAddressFamily(2)], client: client),
                                                           from: client.fiveTuple)) == 443)
    }

    /// DESIGN.md: a call never drops because its REST username expired, but
    /// the allocation cannot outlive `maximumAllocationAge`.
    @Test func expiredCredentialsKeepRefreshingUpToTheAgeLimit() throws {
        var harness = TURNTestHarness { $0.maximumAllocationAge = .seconds(2000) }
        var client = harness.makeClient(ttl: 300)
        try harness.allocate(&client)
        harness.advance(400)  // credentials expired
        try harness.learnNonce(&client)
        let first = try TURNTestHarness.reply(harness.send(harness.signed(.refresh, [.lifetime(600)], client: client),
                                                           from: client.fiveTuple))
        #expect(first.message.first(.lifetime) == .lifetime(600))
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.createPermission, [.xorPeerAddress(address("8.8.8.8", 1))], client: client),
            from: client.fiveTuple)) == nil)
        harness.advance(1200)  // age 1600: only 400 s left
        try harness.learnNonce(&client)
        let capped = try TURNTestHarness.reply(harness.send(harness.signed(.refresh, [.lifetime(600)], client: client),
                                                            from: client.fiveTuple))
        #expect(capped.message.first(.lifetime) == .lifetime(400))
        harness.advance(400)  // age 2000
        try harness.learnNonce(&client)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.refresh, [], client: client),
                                                           from: client.fiveTuple)) == 401)
        // Deleting is still allowed.
        let deleted = harness.send(harness.signed(.refresh, [.lifetime(0)], client: client), from: client.fiveTuple)
        #expect(try TURNTestHarness.reply(deleted).message.messageClass == .successResponse)
    }

    @Test func allocationExpiresThroughTheSweep() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        let (_, relayed) = try harness.allocate(&client)
        #expect(harness.server.nextDeadline == harness.now.addingTimeInterval(600))
        harness.advance(599)
        #expect(harness.server.expire(now: harness.now).isEmpty)
        harness.advance(1)
        #expect(harness.server.expire(now: harness.now) == [.closeRelay(relayed)])
        #expect(harness.server.allocationCount == 0)
        try harness.learnNonce(&client)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.refresh, [], client: client),
                                                           from: client.fiveTuple)) == 437)
    }
}

@Suite struct ConnectionTests {
    @Test func closingATCPConnectionEndsItsAllocation() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient(TURNTestHarness.client(transport: .tcp))
        let (_, relayed) = try harness.allocate(&client)
        #expect(harness.server.connectionClosed(client.fiveTuple) == [.closeRelay(relayed)])
        #expect(harness.server.allocationCount == 0)
        #expect(harness.server.connectionClosed(client.fiveTuple) == [])
    }

    @Test func closingWhileTheRelayIsBindingReleasesThePort() throws {
        var harness = TURNTestHarness { $0.portRange = 50000...50000 }
        var client = harness.makeClient(TURNTestHarness.client(transport: .tcp))
        try harness.learnNonce(&client)
        let actions = harness.send(harness.signed(.allocate, [.requestedTransport(17)], client: client), from: client.fiveTuple)
        guard case .bindRelay(let id, let relayed, _)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(harness.server.connectionClosed(client.fiveTuple) == [.closeRelay(relayed)])
        #expect(harness.server.relayBound(id: id, now: harness.now) == [])
        #expect(harness.server.resources.available(family: .ipv4) == 1)
    }
}
