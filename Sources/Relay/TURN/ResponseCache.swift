import Foundation

/// Recently sent responses by 5-tuple and transaction id, so that a
/// retransmitted request gets the identical answer without being processed
/// twice (RFC 8489 §6.3.1; RFC 8656 §7.2 for Allocate).
///
/// Every entry lives for the same duration, so insertion order is expiry
/// order and a FIFO suffices: no heap, no per-entry timer. Bounded by
/// `capacity`, oldest first out.
struct ResponseCache: Sendable {
    struct Key: Hashable, Sendable {
        var fiveTuple: FiveTuple
        var transactionID: STUNTransactionID
    }

    private var responses: [Key: [UInt8]] = [:]
    private var order: [(key: Key, expiry: Date)] = []
    private var head = 0
    let lifetime: Duration
    let capacity: Int

    init(lifetime: Duration, capacity: Int) {
        self.lifetime = lifetime
        self.capacity = max(capacity, 1)
    }

    var count: Int { responses.count }

    func response(for key: Key) -> [UInt8]? {
        responses[key]
    }

    mutating func store(_ bytes: [UInt8], for key: Key, now: Date) {
        evict(now: now)
        if responses.count >= capacity { evictOldest() }
        if responses.updateValue(bytes, forKey: key) == nil {
            order.append((key, now.addingTimeInterval(lifetime.seconds)))
        }
    }

    mutating func evict(now: Date) {
        while head < order.count, order[head].expiry <= now { evictOldest() }
    }

    private mutating func evictOldest() {
        guard head < order.count else { return }
        responses.removeValue(forKey: order[head].key)
        head += 1
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
