import Foundation
import Testing

@testable import Signal

@Suite struct FixedWindowRateLimiterTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func allowsLimitThenRefusesUntilTheWindowCloses() {
        var limiter = FixedWindowRateLimiter(policy: .init(limit: 5, window: .seconds(900)))
        for expectedRemaining in [4, 3, 2, 1, 0] {
            let decision = limiter.hit("1.2.3.4", now: start)
            #expect(decision.allowed && decision.remaining == expectedRemaining && decision.limit == 5)
        }
        let refused = limiter.hit("1.2.3.4", now: start.addingTimeInterval(10))
        #expect(!refused.allowed && refused.remaining == 0)
        #expect(refused.resetAt == start.addingTimeInterval(900))
        #expect(refused.retryAfter(now: start.addingTimeInterval(10)) == 890)
        #expect(limiter.hit("1.2.3.4", now: start.addingTimeInterval(900)).allowed, "a new window opens")
    }

    @Test func clientsAreCountedSeparately() {
        var limiter = FixedWindowRateLimiter(policy: .init(limit: 1, window: .seconds(60)))
        #expect(limiter.hit("a", now: start).allowed)
        #expect(!limiter.hit("a", now: start).allowed)
        #expect(limiter.hit("b", now: start).allowed)
    }

    @Test func tableStaysBounded() {
        var limiter = FixedWindowRateLimiter(policy: .init(limit: 1, window: .seconds(60)), maximumClients: 10)
        for index in 0..<10 { _ = limiter.hit("client-\(index)", now: start) }
        #expect(!limiter.hit("newcomer", now: start).allowed, "a full table of live windows refuses newcomers")
        #expect(limiter.trackedClients == 10)
        #expect(limiter.hit("newcomer", now: start.addingTimeInterval(61)).allowed, "expired windows are swept")
        #expect(limiter.trackedClients == 1)
    }
}

@Suite struct ClientAddressTests {
    let trusted: (String) -> Bool = { $0 == "10.0.0.1" || $0 == "10.0.0.2" }

    @Test func forwardedForIsIgnoredFromUntrustedPeers() {
        #expect(ClientAddress.resolve(peer: "203.0.113.5", forwardedFor: "1.1.1.1", isTrustedProxy: trusted) == "203.0.113.5")
    }

    @Test func forwardedForIsFollowedThroughTrustedProxies() {
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: "198.51.100.7", isTrustedProxy: trusted) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: "6.6.6.6, 198.51.100.7, 10.0.0.2", isTrustedProxy: trusted) == "198.51.100.7")
    }

    @Test func aTrustedPeerWithoutHeaderIsTheClient() {
        #expect(ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: nil, isTrustedProxy: trusted) == "10.0.0.1")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: "1.2.3.4", isTrustedProxy: trusted) == "unknown")
    }
}
