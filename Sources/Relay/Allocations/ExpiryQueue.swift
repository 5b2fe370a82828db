import Foundation

/// One min-heap of deadlines for every expiring thing in the relay —
/// allocations, permissions, channel bindings, port reservations — instead of
/// a timer per object (the coturn habit this design avoids).
///
/// Entries are never removed early: refreshing an object pushes a new entry,
/// and when an old one surfaces the owner compares it with the object's current
/// deadline and ignores it if it moved ("lazy deletion"). Push and pop are
/// O(log n); `popDue(now:)` is what a periodic sweep calls.
struct ExpiryQueue<Target: Sendable>: Sendable {
    private struct Entry: Sendable {
        var deadline: Date
        var target: Target
    }

    private var heap: [Entry] = []

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }

    /// The earliest deadline, for an adapter that arms a single timer.
    var nextDeadline: Date? { heap.first?.deadline }

    mutating func schedule(_ target: Target, at deadline: Date) {
        heap.append(Entry(deadline: deadline, target: target))
        siftUp(heap.count - 1)
    }

    /// Removes and returns the earliest target if its deadline is at or before `now`.
    mutating func popDue(now: Date) -> (target: Target, deadline: Date)? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return (first.target, first.deadline)
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
