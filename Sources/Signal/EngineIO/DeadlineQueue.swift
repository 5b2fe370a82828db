/// A min-heap of deadlines, so that one timer can serve every session of a server instead
/// of a sleeping task per session.
///
/// Entries are never removed early: an owner whose deadline moved simply schedules again,
/// and when the old entry surfaces it finds nothing due ("lazy deletion"). Scheduling and
/// popping are O(log n).
struct DeadlineQueue<Target: Sendable>: Sendable {
    private struct Entry: Sendable {
        var deadline: ContinuousClock.Instant
        var target: Target
    }

    private var heap: [Entry] = []

    var count: Int { heap.count }

    /// The earliest deadline.
    var nextDeadline: ContinuousClock.Instant? { heap.first?.deadline }

    mutating func schedule(_ target: Target, at deadline: ContinuousClock.Instant) {
        heap.append(Entry(deadline: deadline, target: target))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if its deadline is at or before `now`.
    mutating func popDue(now: ContinuousClock.Instant) -> (target: Target, deadline: ContinuousClock.Instant)? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown()
        }
        return (first.target, first.deadline)
    }

    /// Removes and returns every entry due at `now`, earliest first.
    mutating func popAllDue(now: ContinuousClock.Instant) -> [(target: Target, deadline: ContinuousClock.Instant)] {
        var due: [(target: Target, deadline: ContinuousClock.Instant)] = []
        while let entry = popDue(now: now) { due.append(entry) }
        return due
    }

    private mutating func siftDown() {
        var parent = 0
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
