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

    @Test func aFullTableMakesRoomByDroppingTheOldestWindow() {
        var limiter = FixedWindowRateLimiter(policy: .init(limit: 1, window: .seconds(60)), maximumClients: 10)
        for index in 0..<10 { _ = limiter.hit("client-\(index)", now: start.addingTimeInterval(Double(index))) }
        #expect(limiter.hit("newcomer", now: start.addingTimeInterval(20)).allowed, "a flood cannot lock newcomers out")
        #expect(limiter.trackedClients == 10)
        #expect(limiter.hit("client-0", now: start.addingTimeInterval(21)).allowed, "the oldest window made room")
        #expect(!limiter.hit("client-9", now: start.addingTimeInterval(21)).allowed, "younger windows stay")
    }

    @Test func closedWindowsAreSweptWithoutAHit() {
        var limiter = FixedWindowRateLimiter(policy: .init(limit: 1, window: .seconds(60)))
        for index in 0..<1000 { _ = limiter.hit("client-\(index)", now: start.addingTimeInterval(Double(index) / 100)) }
        limiter.sweep(now: start.addingTimeInterval(65.5))  // windows opened up to 5.5 s have closed
        #expect(limiter.trackedClients == 449)
        limiter.sweep(now: start.addingTimeInterval(71))
        #expect(limiter.trackedClients == 0)
    }

    @Test(arguments: [
        ("203.0.113.5", "203.0.113.5"), ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"), ("::ffff:192.0.2.1", "192.0.2.1"), ("unknown", "unknown"),
    ])
    func limitersCountIPv6ClientsByTheirSlash64(address: String, key: String) {
        #expect(ClientAddress.rateLimitKey(address) == key)
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
