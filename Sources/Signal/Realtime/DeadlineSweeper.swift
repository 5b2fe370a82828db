import Synchronization

/// Something the sweeper wakes at its deadlines.
protocol DeadlineTarget: AnyObject, Sendable {
    /// `deadline` was scheduled and has passed; the target checks what is actually due.
    func deadlineReached(_ deadline: ContinuousClock.Instant, now: ContinuousClock.Instant)
}

/// One timer for all the sessions of a server: deadlines (heartbeats, upgrade and connect
/// timeouts) wait in a `DeadlineQueue`, and a single task sleeps until the earliest one and
/// fires what is due. A sleeping task per session would cost each of 10,000 idle
/// connections a task, its frames and a system timer, re-created at every heartbeat.
///
/// The task sleeps at most `maxSleep`, so a deadline scheduled while it sleeps is seen in
/// time as long as it is at least `maxSleep` away (heartbeat deadlines are ten times that).
/// Targets are held weakly: a session that is gone leaves only its entries, which are
/// dropped when they come due.
final class DeadlineSweeper: Sendable {
    struct WeakTarget: Sendable {
        weak var target: (any DeadlineTarget)?
    }

    let maxSleep: Duration
    private let queue = Mutex(DeadlineQueue<WeakTarget>())
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(maxSleep: Duration) {
        self.maxSleep = maxSleep
        let task = Task { [weak self] in
            while !Task.isCancelled {
                let now = ContinuousClock.now
                guard let wake = self?.nextWake(now: now) else { return }
                if wake > now {
                    try? await Task.sleep(for: wake - now)
                } else {
                    await Task.yield()
                }
                self?.sweep(now: .now)
            }
        }
        self.task.withLock { $0 = task }
    }

    /// The earliest deadline, but no later than `maxSleep` from now.
    func nextWake(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let latest = now + maxSleep
        guard let next = queue.withLock({ $0.nextDeadline }) else { return latest }
        return min(next, latest)
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
