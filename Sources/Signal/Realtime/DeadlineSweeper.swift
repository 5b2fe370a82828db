import Synchronization

/// Something the sweeper wakes at its deadlines.
protocol DeadlineTarget: AnyObject, Sendable {
    /// `deadline` was scheduled and has passed; the target checks what is actually due.
    func deadlineReached(_ deadline: ContinuousClock.Instant, now: ContinuousClock.Instant)
}

/// One timer for all the sessions of a server: deadlines (heartbeats, upgrade and connect
/// timeouts) wait in a `DeadlineQueue`, and a single task wakes every `resolution` to fire
/// the due ones. A sleeping task per session would cost each of 10,000 idle connections a
/// task, its frames and a system timer, re-created at every heartbeat.
///
/// Targets are held weakly: a session that is gone leaves only its entries, which are
/// dropped when they come due.
final class DeadlineSweeper: Sendable {
    struct WeakTarget: Sendable {
        weak var target: (any DeadlineTarget)?
    }

    /// How late a deadline may fire at most (plus scheduling delays).
    let resolution: Duration
    private let queue = Mutex(DeadlineQueue<WeakTarget>())
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(resolution: Duration) {
        self.resolution = resolution
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: resolution)
                guard let self else { return }
                self.sweep(now: .now)
            }
        }
        self.task.withLock { $0 = task }
    }

    deinit {
        task.withLock { $0?.cancel() }
    }

    /// Calls `target.deadlineReached` once `deadline` has passed.
    func schedule(_ target: any DeadlineTarget, at deadline: ContinuousClock.Instant) {
        queue.withLock { $0.schedule(WeakTarget(target: target), at: deadline) }
    }

    /// Entries waiting, live or stale.
    var count: Int { queue.withLock { $0.count } }

    /// Fires every deadline due at `now` (outside the queue's lock).
    func sweep(now: ContinuousClock.Instant) {
        let due = queue.withLock { $0.popAllDue(now: now) }
        for (entry, deadline) in due {
            entry.target?.deadlineReached(deadline, now: now)
        }
    }
}
