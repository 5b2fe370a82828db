import Foundation
import Testing
@testable import Relay

@Suite struct AllocateTests {
    @Test func unauthenticatedAllocateIsChallenged() throws {
        var harness = TURNTestHarness()
        let response = try TURNTestHarness.reply(harness.send(
            TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)]), from: TURNTestHarness.client()))
        #expect(response.message.messageClass == .errorResponse)
        #expect(response.message.first(.errorCode) == .errorCode(STUNErrorCode(code: 401, reason: "")))
        #expect(response.message.first(.realm) == .realm(TURNTestHarness.realm))
        #expect(response.message.first(.passwordAlgorithms) == .passwordAlgorithms([.sha256, .md5]))
        guard case .nonce(let nonce)? = response.message.first(.nonce) else { Issue.record("no nonce"); return }
        #expect(nonce.hasPrefix("obMatJos2"))
        #expect(response.integrityKind == nil)
    }

    @Test func successfulAllocation() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        let (response, relayed) = try harness.allocate(&client, [.dontFragment])
        #expect(relayed.ip == TURNTestHarness.relayIPv4.bind)
        #expect((49152...65535).contains(relayed.port))
        #expect(response.message.messageClass == .successResponse)
        #expect(response.verifyIntegrity(key: client.key) == .valid(.sha1))
        #expect(response.message.first(.xorRelayedAddress)
            == .xorRelayedAddress(TransportAddress(ip: TURNTestHarness.relayIPv4.advertised, port: relayed.port)))
        #expect(response.message.first(.lifetime) == .lifetime(600))
        #expect(response.message.first(.xorMappedAddress) == .xorMappedAddress(client.fiveTuple.client))
        #expect(harness.server.allocationCount == 1)
        #expect(harness.server.allocations[client.fiveTuple]?.dontFragment == true)
    }

    @Test func dontFragmentAsksForARelaySocketThatNeverFragments() throws {
        var harness = TURNTestHarness()
        for (port, dontFragment) in [(UInt16(50001), true), (50002, false)] {
            var client = harness.makeClient(TURNTestHarness.client(port: port))
            try harness.learnNonce(&client)
            let request = harness.signed(
                .allocate, [.requestedTransport(17)] + (dontFragment ? [.dontFragment] : []), client: client)
            guard case .bindRelay(_, _, let asked)? = harness.send(request, from: client.fiveTuple).first else {
                Issue.record("no bindRelay"); return
            }
            #expect(asked == dontFragment)
        }
    }

    @Test(arguments: [(UInt32(60), UInt32(600)), (1200, 1200), (99_999, 3600)])
    func lifetimeIsClamped(requested: UInt32, granted: UInt32) throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        let (response, _) = try harness.allocate(&client, [.lifetime(requested)])
        #expect(response.message.first(.lifetime) == .lifetime(granted))
    }

    @Test func retransmissionGetsTheIdenticalAnswer() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        let id = STUNTransactionID.random()
        let request = harness.signed(.allocate, [.requestedTransport(17)], client: client, transactionID: id)
        guard case .bindRelay(let bindID, _, _)? = harness.send(request, from: client.fiveTuple).first else {
            Issue.record("no bind"); return
        }
        #expect(harness.send(request, from: client.fiveTuple) == [.drop(.allocationPending)])
        let first = harness.server.relayBound(id: bindID, now: harness.now)
        harness.advance(2)
        #expect(harness.send(request, from: client.fiveTuple) == first)
        // A new transaction on the same 5-tuple is a mismatch.
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: client), from: client.fiveTuple)) == 437)
        harness.advance(60)
        _ = harness.server.expire(now: harness.now)
        #expect(harness.server.responses.count == 0)
    }

    @Test func authenticationFailures() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        var wrong = client
        wrong.password = "not-the-password"
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: wrong), from: client.fiveTuple)) == 401)
        var notREST = client
        notREST.username = "alice"
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: notREST), from: client.fiveTuple)) == 401)
        var forged = client
        forged.nonce = "obMatJos2gAAA" + String(repeating: "0", count: 24)
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: forged), from: client.fiveTuple)) == 438)
        // Integrity without REALM/NONCE: 400.
        let bare = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .request),
                               transactionID: .random(), attributes: [.requestedTransport(17), .username(client.username)])
        #expect(try TURNTestHarness.errorCode(harness.send(bare.encode(integrity: .sha1(client.key)),
                                                           from: client.fiveTuple)) == 400)
        #expect(harness.server.allocationCount == 0)
    }

    @Test func staleNonceGets438WithAFreshOne() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        harness.advance(601)
        let response = try TURNTestHarness.reply(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: client), from: client.fiveTuple))
        #expect(response.message.first(.errorCode) == .errorCode(.staleNonce))
        guard case .nonce(let fresh)? = response.message.first(.nonce) else { Issue.record("no nonce"); return }
        #expect(fresh != client.nonce)
        #expect(response.message.first(.realm) == .realm(TURNTestHarness.realm))
    }

    @Test func nonceFromAnotherClientAddressIsStale() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        client.fiveTuple = TURNTestHarness.client("198.51.100.99")
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: client), from: client.fiveTuple)) == 438)
    }

    @Test func expiredRESTUsernameCannotAllocate() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient(ttl: 60)
        try harness.learnNonce(&client)
        harness.advance(61)
        try harness.learnNonce(&client)
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17)], client: client), from: client.fiveTuple)) == 401)
    }

    @Test func requestedTransportRules() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.allocate, [], client: client),
                                                           from: client.fiveTuple)) == 400)
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.allocate, [.requestedTransport(6)], client: client),
                                                           from: client.fiveTuple)) == 442)
    }

    @Test func addressFamilies() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        for family: UInt8 in [0x02, 0x03] {
            #expect(try TURNTestHarness.errorCode(harness.send(
                harness.signed(.allocate, [.requestedTransport(17), .requestedAddressFamily(family)], client: client),
                from: client.fiveTuple)) == 440)
        }
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17), .requestedAddressFamily(1), .additionalAddressFamily(2)],
                           client: client), from: client.fiveTuple)) == 400)
        #expect(try TURNTestHarness.errorCode(harness.send(
            harness.signed(.allocate, [.requestedTransport(17), .additionalAddressFamily(1)], client: client),
            from: client.fiveTuple)) == 400)

        var dual = TURNTestHarness(ipv6: true)
        var v6Client = dual.makeClient()
        let (_, relayed) = try dual.allocate(&v6Client, [.requestedAddressFamily(2)])
        #expect(relayed.family == .ipv6)
        var other = dual.makeClient(TURNTestHarness.client(port: 50001))
        let (response, v4) = try dual.allocate(&other, [.additionalAddressFamily(2)])
        #expect(v4.family == .ipv4)
        guard case .addressErrorCode(let family, let error)? = response.message.first(.addressErrorCode) else {
            Issue.record("no ADDRESS-ERROR-CODE"); return
        }
        #expect(family == 2 && error.code == 440)
    }

    @Test func unknownComprehensionRequiredAttributeGets420() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        let response = try TURNTestHarness.reply(harness.send(harness.signed(
            .allocate, [.requestedTransport(17), .unknown(type: STUNAttributeType(rawValue: 0x0031), value: [1])],
            client: client), from: client.fiveTuple))
        #expect(response.message.first(.errorCode) == .errorCode(.unknownAttribute))
        #expect(response.message.first(.unknownAttributes) == .unknownAttributes([STUNAttributeType(rawValue: 0x0031)]))
        #expect(response.verifyIntegrity(key: client.key) == .valid(.sha1))
    }

    @Test func sha256IntegrityAndPasswordAlgorithm() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        client.algorithm = .sha256
        let (response, _) = try harness.allocate(&client, sha256: true)
        #expect(response.message.messageClass == .successResponse)
        #expect(response.verifyIntegrity(key: client.key) == .valid(.sha256))
    }

    @Test func passwordAlgorithmBidDownIsRefused() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        let attributes: [STUNAttribute] = [
            .requestedTransport(17), .passwordAlgorithms([.md5]), .passwordAlgorithm(.md5),
        ]
        #expect(try TURNTestHarness.errorCode(harness.send(harness.signed(.allocate, attributes, client: client),
                                                           from: client.fiveTuple)) == 400)
    }
}
