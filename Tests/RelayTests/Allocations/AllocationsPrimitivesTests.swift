import Foundation
import Testing
@testable import Relay

@Suite struct ExpiryQueueTests {
    @Test func popsInDeadlineOrderAndOnlyWhenDue() {
        var queue = ExpiryQueue<Int>()
        var generator = SeededGenerator(seed: 7)
        let base = Date(timeIntervalSince1970: 0)
        var deadlines: [Double] = []
        for index in 0..<500 {
            let offset = Double(Int.random(in: 0..<10_000, using: &generator))
            deadlines.append(offset)
            queue.schedule(index, at: base.addingTimeInterval(offset))
        }
        #expect(queue.nextDeadline == base.addingTimeInterval(deadlines.min()!))
        var popped: [Double] = []
        let now = base.addingTimeInterval(5000)
        while let (_, deadline) = queue.popDue(now: now) { popped.append(deadline.timeIntervalSince(base)) }
        #expect(popped == deadlines.filter { $0 <= 5000 }.sorted())
        #expect(queue.count == deadlines.filter { $0 > 5000 }.count)
        let nothing = queue.popDue(now: now)
        #expect(nothing == nil)
    }
}

extension ExpiryQueueTests {
    @Test func aTargetHasOneEntryHoweverOftenItIsScheduled() {
        var queue = ExpiryQueue<String>()
        let base = Date(timeIntervalSince1970: 0)
        for second in 0..<1000 { queue.schedule("permission", at: base.addingTimeInterval(300 + Double(second))) }
        #expect(queue.count == 1)
        // A later deadline is the owner's to reschedule when the first one surfaces.
        #expect(queue.popDue(now: base.addingTimeInterval(300))?.target == "permission")
        #expect(queue.isEmpty)
    }

    @Test func anEarlierDeadlineOvertakesTheQueuedOne() {
        var queue = ExpiryQueue<String>()
        let base = Date(timeIntervalSince1970: 0)
        queue.schedule("allocation", at: base.addingTimeInterval(3600))
        queue.schedule("allocation", at: base.addingTimeInterval(600))
        #expect(queue.popDue(now: base.addingTimeInterval(600))?.deadline == base.addingTimeInterval(600))
        // The overtaken entry surfaces later as nothing.
        #expect(queue.popDue(now: base.addingTimeInterval(3600)) == nil)
        #expect(queue.isEmpty)
    }
}

@Suite struct RelayPortPoolTests {
    @Test func takesEveryPortOnceThenRunsOut() {
        var pool = RelayPortPool(range: 50000...50009)
        var seen = Set<UInt16>()
        while let port = pool.takeRandom() { #expect(seen.insert(port).inserted) }
        #expect(seen == Set(50000...50009))
        #expect(pool.available == 0)
        pool.release(50004)
        let again = pool.takeRandom()
        #expect(again == 50004)
        pool.release(40000)  // outside: ignored
        #expect(pool.available == 0)
    }

    @Test func evenPortsAndPairs() {
        var pool = RelayPortPool(range: 50001...50006)
        for _ in 0..<3 {
            let port = pool.takeRandom(even: true)
            #expect(port.map { $0 % 2 == 0 } == true)
        }
        let noEven = pool.takeRandom(even: true)
        #expect(noEven == nil)
        var pairs = RelayPortPool(range: 50000...50005)
        _ = pairs.take(50001)
        _ = pairs.take(50004)
        let pair = pairs.takeRandom(pair: true)
        #expect(pair == 50002)
        #expect(!pairs.isFree(50003))
        let none = pairs.takeRandom(pair: true)
        #expect(none == nil)
    }
}

@Suite struct ResponseCacheTests {
    @Test func expiresAndStaysBounded() {
        let key = { (n: UInt64) in
            ResponseCache.Key(fiveTuple: TURNTestHarness.client(), transactionID: STUNTransactionID(high: 0, low: n))
        }
        var cache = ResponseCache(lifetime: .seconds(40), capacity: 3)
        let start = Date(timeIntervalSince1970: 0)
        for n in 0..<5 { cache.store([UInt8(n)], for: key(UInt64(n)), now: start) }
        #expect(cache.count == 3)
        #expect(cache.response(for: key(0)) == nil)
        #expect(cache.response(for: key(4)) == [4])
        cache.evict(now: start.addingTimeInterval(40))
        #expect(cache.count == 0)
        for n in 0..<3000 { cache.store([], for: key(UInt64(n)), now: start.addingTimeInterval(Double(n))) }
        #expect(cache.count == 3)
    }
}

@Suite struct TokenBucketTests {
    @Test func refillsAtTheConfiguredRate() {
        let start = Date(timeIntervalSince1970: 0)
        var bucket = TokenBucket(bytesPerSecond: 100, now: start)
        let results = [
            bucket.consume(100, now: start),
            bucket.consume(1, now: start),
            bucket.consume(50, now: start.addingTimeInterval(0.5)),
            bucket.consume(10, now: start.addingTimeInterval(0.5)),
            bucket.consume(100, now: start.addingTimeInterval(100)),  // refilled, capped at burst
            bucket.consume(1, now: start.addingTimeInterval(100)),
        ]
        #expect(results == [true, false, true, false, true, false])
    }
}
