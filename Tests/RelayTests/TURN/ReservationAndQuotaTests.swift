import Foundation
import Testing
@testable import Relay

@Suite struct ReservationAndQuotaTests {
    @Test func evenPortWithReservationHandsTheNextPortToTheToken() throws {
        var harness = TURNTestHarness()
        var first = harness.makeClient()
        let (response, relayed) = try harness.allocate(&first, [.evenPort(reserveNextPort: true)])
        #expect(relayed.port % 2 == 0)
        guard case .reservationToken(let token)? = response.message.first(.reservationToken) else {
            Issue.record("no token"); return
        }
        var second = harness.makeClient(TURNTestHarness.client(port: 50002))
        let (_, next) = try harness.allocate(&second, [.reservationToken(token)])
        #expect(next.port == relayed.port + 1)
        // A token works once.
        var third = harness.makeClient(TURNTestHarness.client(port: 50003))
        try harness.learnNonce(&third)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(
            .allocate, [.requestedTransport(17), .reservationToken(token)], client: third),
            from: third.fiveTuple)) == 508)
    }

    @Test func aReservedPortCountsAgainstItsUserAndEndsWithTheAllocation() throws {
        var harness = TURNTestHarness { $0.maximumAllocationsPerUser = 2 }
        var first = harness.makeClient(TURNTestHarness.client(port: 1))
        let (response, _) = try harness.allocate(&first, [.evenPort(reserveNextPort: true)])
        guard case .reservationToken(let token)? = response.message.first(.reservationToken) else {
            Issue.record("no token"); return
        }
        let available = harness.server.resources.available(family: .ipv4)
        var second = harness.makeClient(TURNTestHarness.client(port: 2))
        try harness.learnNonce(&second)
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: second), from: second.fiveTuple)) == 486)
        // At quota, an EVEN-PORT reservation is refused too: it needs two places.
        var single = TURNTestHarness { $0.maximumAllocationsPerUser = 1 }
        var alone = single.makeClient()
        try single.learnNonce(&alone)
        #expect(try TURNTestHarness.errorCode(single.send(single.signed(
            .allocate, [.requestedTransport(17), .evenPort(reserveNextPort: true)], client: alone),
            from: alone.fiveTuple)) == 486)

        // Deleting the allocation frees its port, the reserved port and both places.
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.refresh, [.lifetime(0)], client: first), from: first.fiveTuple)) == nil)
        #expect(harness.server.resources.available(family: .ipv4) == available + 2)
        try harness.allocate(&second)
        var third = harness.makeClient(TURNTestHarness.client(port: 3))
        try harness.learnNonce(&third)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(
            .allocate, [.requestedTransport(17), .reservationToken(token)], client: third),
            from: third.fiveTuple)) == 508)
    }

    @Test func claimingAReservationMovesItsPlaceToTheClaimingAllocation() throws {
        var harness = TURNTestHarness { $0.maximumAllocationsPerUser = 3 }
        var first = harness.makeClient(TURNTestHarness.client(port: 1))
        let (response, _) = try harness.allocate(&first, [.evenPort(reserveNextPort: true)])
        guard case .reservationToken(let token)? = response.message.first(.reservationToken) else {
            Issue.record("no token"); return
        }
        var second = harness.makeClient(TURNTestHarness.client(port: 2))
        try harness.allocate(&second, [.reservationToken(token)])
        // Two allocations hold two of three places: the reservation's went with its claim.
        var third = harness.makeClient(TURNTestHarness.client(port: 3))
        try harness.allocate(&third)
        var fourth = harness.makeClient(TURNTestHarness.client(port: 4))
        try harness.learnNonce(&fourth)
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: fourth), from: fourth.fiveTuple)) == 486)
    }

    @Test func evenPortWithoutReservation() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        let (response, relayed) = try harness.allocate(&client, [.evenPort(reserveNextPort: false)])
        #expect(relayed.port % 2 == 0)
        #expect(response.message.first(.reservationToken) == nil)
    }

    @Test func reservationExpiresAndFreesThePort() throws {
        var harness = TURNTestHarness { $0.portRange = 50000...50001 }
        var first = harness.makeClient()
        let (response, _) = try harness.allocate(&first, [.evenPort(reserveNextPort: true)])
        guard case .reservationToken(let token)? = response.message.first(.reservationToken) else {
            Issue.record("no token"); return
        }
        #expect(harness.server.resources.available(family: .ipv4) == 0)
        harness.advance(31)
        _ = harness.server.expire(now: harness.now)
        #expect(harness.server.resources.available(family: .ipv4) == 1)
        var second = harness.makeClient(TURNTestHarness.client(port: 50002))
        try harness.learnNonce(&second)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(
            .allocate, [.requestedTransport(17), .reservationToken(token)], client: second),
            from: second.fiveTuple)) == 508)
    }

    @Test func tokenCombinedWithEvenPortIsBadRequest() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(
            .allocate, [.requestedTransport(17), .reservationToken([1, 2, 3, 4, 5, 6, 7, 8]), .evenPort(reserveNextPort: false)],
            client: client), from: client.fiveTuple)) == 400)
    }

    @Test func perUserQuotaGives486() throws {
        var harness = TURNTestHarness { $0.maximumAllocationsPerUser = 2 }
        for port: UInt16 in [1, 2] {
            var client = harness.makeClient(TURNTestHarness.client(port: port), user: "1001")
            try harness.allocate(&client)
        }
        var third = harness.makeClient(TURNTestHarness.client(port: 3), user: "1001")
        try harness.learnNonce(&third)
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: third), from: third.fiveTuple)) == 486)
        var otherUser = harness.makeClient(TURNTestHarness.client(port: 4), user: "1002")
        try harness.allocate(&otherUser)
    }

    @Test func totalQuotaAndPortExhaustionGive508() throws {
        var harness = TURNTestHarness { $0.maximumAllocations = 1 }
        var first = harness.makeClient(TURNTestHarness.client(port: 1), user: "a")
        try harness.allocate(&first)
        var second = harness.makeClient(TURNTestHarness.client(port: 2), user: "b")
        try harness.learnNonce(&second)
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: second), from: second.fiveTuple)) == 508)

        var small = TURNTestHarness { $0.portRange = 60000...60000 }
        var one = small.makeClient(TURNTestHarness.client(port: 1), user: "a")
        try small.allocate(&one)
        var two = small.makeClient(TURNTestHarness.client(port: 2), user: "b")
        try small.learnNonce(&two)
        #expect(try TURNTestHarness.errorCode(small.send(
            small.signed(.allocate, [.requestedTransport(17)], client: two), from: two.fiveTuple)) == 508)
    }

    @Test func bindFailuresRetryThenGive508() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        var actions = harness.send(harness.signed(.allocate, [.requestedTransport(17)], client: client), from: client.fiveTuple)
        var ports: [UInt16] = []
        for _ in 0..<TURNServer.maximumBindAttempts {
            guard case .bindRelay(let id, let address, _)? = actions.first else { Issue.record("\(actions)"); return }
            ports.append(address.port)
            actions = harness.server.relayBindFailed(id: id, now: harness.now)
        }
        #expect(try TURNTestHarness.errorCode(actions) == 508)
        #expect(harness.server.resources.available(family: .ipv4) == 16384)
        #expect(harness.server.pendingByFiveTuple.isEmpty)
        // The client may try again.
        try harness.allocate(&client)
    }
}

@Suite struct SharedResourcesTests {
    /// A TCP client's second connection may land on another shard: the token
    /// and the quota are shared through `RelayResources`.
    @Test func tokensAndQuotasSpanShards() throws {
        var first = TURNTestHarness { $0.maximumAllocationsPerUser = 2 }
        var second = TURNTestHarness()
        second.server = TURNServer(configuration: first.server.configuration, resources: first.server.resources)
        var rtp = first.makeClient(TURNTestHarness.client(port: 1, transport: .tcp))
        let (response, relayed) = try first.allocate(&rtp, [.evenPort(reserveNextPort: true)])
        guard case .reservationToken(let token)? = response.message.first(.reservationToken) else {
            Issue.record("no token"); return
        }
        var rtcp = second.makeClient(TURNTestHarness.client(port: 2, transport: .tcp))
        let (_, next) = try second.allocate(&rtcp, [.reservationToken(token)])
        #expect(next.port == relayed.port + 1)
        var third = second.makeClient(TURNTestHarness.client(port: 3, transport: .tcp))
        try second.learnNonce(&third)
        #expect(try TURNTestHarness.errorCode(second.send(
            second.signed(.allocate, [.requestedTransport(17)], client: third), from: third.fiveTuple)) == 486)
        // Ending one allocation frees the user's slot on every shard.
        _ = first.server.connectionClosed(rtp.fiveTuple)
        try second.allocate(&third)
    }
}
