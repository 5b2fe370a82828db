import Testing

@testable import Signal

@Suite struct DeadlineQueueTests {
    let start = ContinuousClock.now

    @Test func popsDueEntriesEarliestFirst() {
        var queue = DeadlineQueue<String>()
        for (name, offset) in [("c", 30), ("a", 10), ("e", 50), ("b", 20), ("d", 40)] {
            queue.schedule(name, at: start + .milliseconds(offset))
        }
        #expect(queue.nextDeadline == start + .milliseconds(10))
        #expect(queue.popAllDue(now: start + .milliseconds(35)).map(\.target) == ["a", "b", "c"])
        #expect(queue.count == 2)
        #expect(queue.popDue(now: start + .milliseconds(39)) == nil)
        #expect(queue.popAllDue(now: start + .seconds(1)).map(\.target) == ["d", "e"])
        #expect(queue.nextDeadline == nil)
    }

    @Test func keepsEveryEntryOfARescheduledTarget() {
        // Lazy deletion: a moved deadline leaves its old entry, which surfaces as well.
        var queue = DeadlineQueue<String>()
        queue.schedule("x", at: start + .milliseconds(50))
        queue.schedule("x", at: start + .milliseconds(20))
        let due = queue.popAllDue(now: start + .milliseconds(60))
        #expect(due.map(\.deadline) == [start + .milliseconds(20), start + .milliseconds(50)])
    }

    @Test func ordersManyRandomDeadlines() {
        var queue = DeadlineQueue<Int>()
        var generator = SystemRandomNumberGenerator()
        let offsets = (0..<1_000).map { _ in Int.random(in: 0..<10_000, using: &generator) }
        for (index, offset) in offsets.enumerated() { queue.schedule(index, at: start + .milliseconds(offset)) }
        let popped = queue.popAllDue(now: start + .seconds(10)).map(\.deadline)
        #expect(popped.count == offsets.count)
        #expect(popped == popped.sorted())
    }
}
