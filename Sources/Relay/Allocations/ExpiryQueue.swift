import Foundation

/// One min-heap of deadlines for every expiring thing in the relay —
/// allocations, permissions, channel bindings, port reservations — instead of
/// a timer per object (the coturn habit this design avoids).
///
/// A target has one entry however often it is refreshed, so a client cannot grow the
/// heap by refreshing: `schedule` pushes only when the target is not queued yet or
/// must surface earlier, and the owner, when an entry surfaces, compares it with the
/// object's current deadline and schedules it again if that moved later. Push and pop
/// are O(log n); `popDue(now:)` is what a periodic sweep calls.
struct ExpiryQueue<Target: Hashable & Sendable>: Sendable {
    private struct Entry: Sendable {
        var deadline: Date
        var target: Target
    }

    private var heap: [Entry] = []
    /// The deadline each queued target surfaces at; an entry that disagrees is stale.
    private var queued: [Target: Date] = [:]

    /// Heap entries, stale ones included (at most one live entry per target).
    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    /// The earliest deadline, for an adapter that arms a single timer.
    var nextDeadline: Date? { heap.first?.deadline }

    /// Makes `target` surface no later than `deadline`; a later deadline is left to the
    /// owner's check when the queued entry surfaces.
    mutating func schedule(_ target: Target, at deadline: Date) {
        if let surfacing = queued[target], surfacing <= deadline { return }
        queued[target] = deadline
        heap.append(Entry(deadline: deadline, target: target))
        siftUp(heap.count - 1)
    }

    /// Removes and returns the earliest target if its deadline is at or before `now`.
    mutating func popDue(now: Date) -> (target: Target, deadline: Date)? {
        while let first = heap.first, first.deadline <= now {
            removeFirst()
            // An entry overtaken by an earlier `schedule` of its target is dropped.
            guard queued[first.target] == first.deadline else { continue }
            queued.removeValue(forKey: first.target)
            return (first.target, first.deadline)
        }
        return nil
    }

    private mutating func removeFirst() {
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
