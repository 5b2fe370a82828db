import Foundation
import Testing
@testable import Relay

/// What the relay answers to requests it cannot authenticate: small enough that it is
/// no reflector for spoofed UDP (at most three times the request), and never stored
/// where it could push out answers real clients need (docs/relay.md "Security").
@Suite struct UnauthenticatedAnswersTests {
    static func harness(realm: String = RelayConfiguration.defaultRealm) -> TURNTestHarness {
        var harness = TURNTestHarness()
        var configuration = harness.server.configuration
        configuration.realm = realm
        harness.server = TURNServer(configuration: configuration)
        return harness
    }

    static func replyBytes(_ actions: [TURNAction]) -> [UInt8]? {
        for case .reply(_, let bytes) in actions { return bytes }
        return nil
    }

    @Test(arguments: [STUNMethod.binding, .allocate, .refresh, .createPermission, .channelBind, STUNMethod(rawValue: 0x00F)])
    func anAttributeLessRequestGetsAtMostThreeTimesItsSize(method: STUNMethod) throws {
        var harness = Self.harness()
        for client in [TURNTestHarness.client(), TURNTestHarness.client("2001:4860::1")] {
            let request = TURNTestHarness.unsigned(method)
            #expect(request.count == 20)
            let answer = try #require(Self.replyBytes(harness.send(request, from: client)))
            #expect(answer.count <= 3 * request.count, "\(method): \(answer.count) bytes")
        }
    }

    @Test func anAllocateWithoutRequestedTransportGets400NotAChallenge() throws {
        var harness = Self.harness()
        let actions = harness.send(TURNTestHarness.unsigned(.allocate), from: TURNTestHarness.client())
        #expect(try TURNTestHarness.errorCode(actions) == 400)
        #expect(try TURNTestHarness.reply(actions).message.first(.nonce) == nil)
    }

    @Test func requestsForAnAllocationThatDoesNotExistGet437Unchallenged() throws {
        var harness = Self.harness()
        for method in [STUNMethod.refresh, .createPermission, .channelBind] {
            let actions = harness.send(TURNTestHarness.unsigned(method), from: TURNTestHarness.client())
            #expect(try TURNTestHarness.errorCode(actions) == 437)
        }
    }

    @Test func theChallengeToTheSmallestAllocateIsThreeTimesItsSize() throws {
        var harness = Self.harness()
        let request = TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)])
        #expect(request.count == 28)
        let actions = harness.send(request, from: TURNTestHarness.client())
        let answer = try #require(Self.replyBytes(actions))
        #expect(answer.count == 84)
        let challenge = try TURNTestHarness.reply(actions).message
        #expect(challenge.first(.errorCode) == .errorCode(STUNErrorCode(code: 401, reason: "")))
        #expect(challenge.first(.realm) == .realm("notrack"))
        #expect(challenge.first(.passwordAlgorithms) == .passwordAlgorithms(TURNServer.passwordAlgorithms))
    }

    @Test func aChallengeALongRealmMakesTooLargeIsNotSentOverUDP() throws {
        var harness = Self.harness(realm: "office.example.com")
        let request = TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)])
        #expect(harness.send(request, from: TURNTestHarness.client()) == [.drop(.amplification)])
        #expect(harness.server.statistics.drops[.amplification] == 1)
        // TCP cannot be spoofed: the same request is challenged there.
        let overTCP = harness.send(request, from: TURNTestHarness.client(transport: .tcp))
        #expect(try TURNTestHarness.errorCode(overTCP) == 401)
        // A request a little larger is challenged over UDP too.
        let larger = TURNTestHarness.unsigned(.allocate, [.requestedTransport(17), .software("client 1.0")])
        #expect(try TURNTestHarness.errorCode(harness.send(larger, from: TURNTestHarness.client())) == 401)
    }

    /// Junk must not evict the cached answer of a client whose Allocate answer was lost.
    @Test func challengesAreNotCachedSoJunkCannotEvictRealAnswers() throws {
        var harness = TURNTestHarness { $0.responseCacheCapacity = 100 }
        var client = harness.makeClient()
        try harness.learnNonce(&client)
        let request = harness.signed(.allocate, [.requestedTransport(17)], client: client)
        guard case .bindRelay(let id, _, _)? = harness.send(request, from: client.fiveTuple).first else {
            Issue.record("no bind"); return
        }
        let answer = harness.server.relayBound(id: id, now: harness.now)
        for port in 0..<1000 {
            _ = harness.send(TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)]),
                             from: TURNTestHarness.client("203.0.113.50", port: UInt16(1000 + port)))
        }
        #expect(harness.server.responses.count == 1)
        #expect(harness.send(request, from: client.fiveTuple) == answer)
    }

    @Test func requestsOfAnAllocationAreRateLimitedBeforeAuthentication() throws {
        var harness = TURNTestHarness {
            $0.allocationRequestBurst = 5
            $0.allocationRequestRate = 2
        }
        var client = harness.makeClient()
        try harness.allocate(&client)
        let refresh = { (harness: TURNTestHarness) in harness.signed(.refresh, [.lifetime(600)], client: client) }
        var answered = 0
        for _ in 0..<10 where harness.send(refresh(harness), from: client.fiveTuple).first != .drop(.requestRateExceeded) {
            answered += 1
        }
        #expect(answered == 5)
        #expect(harness.server.statistics.drops[.requestRateExceeded] == 5)
        harness.advance(1)
        #expect(try TURNTestHarness.errorCode(harness.send(refresh(harness), from: client.fiveTuple)) == nil)
        // A TCP client, which never retransmits, hears 508 at once.
        var streamed = TURNTestHarness {
            $0.allocationRequestBurst = 1
            $0.allocationRequestRate = 1
        }
        var tcpClient = streamed.makeClient(TURNTestHarness.client(transport: .tcp))
        try streamed.allocate(&tcpClient)
        for expected: UInt16? in [nil, 508] {
            let refreshTCP = streamed.signed(.refresh, [.lifetime(600)], client: tcpClient)
            #expect(try TURNTestHarness.errorCode(streamed.send(refreshTCP, from: tcpClient.fiveTuple)) == expected)
        }
        // Retransmissions are answered from the cache without spending the budget.
        let id = STUNTransactionID.random()
        harness.advance(1)
        let once = harness.signed(.refresh, [.lifetime(600)], client: client, transactionID: id)
        let first = harness.send(once, from: client.fiveTuple)
        for _ in 0..<5 { #expect(harness.send(once, from: client.fiveTuple) == first) }
    }
}
