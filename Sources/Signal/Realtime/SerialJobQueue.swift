import Synchronization

/// Runs jobs one at a time, in the order they came, on a task that exists only while
/// there is work: an idle connection holds no task (10,000 idle connections, 10,000 fewer
/// suspended tasks). At most `limit` jobs wait; more are refused.
///
/// A producer that can stop (a socket that can stop reading) asks to pause once
/// `pauseAt` jobs wait; `caughtUp` is then called, with the last job run, when none waits.
final class SerialJobQueue<Job: Sendable>: Sendable {
    private struct State {
        var waiting: [Job] = []
        var running = false
        var finished = false
        var paused = false
    }

    enum Outcome: Equatable {
        case enqueued
        /// Enqueued, and `pauseAt` jobs now wait: stop producing until `caughtUp`.
        case enqueuedPause
        /// `limit` jobs already wait; this one is dropped.
        case full
        /// `finish()` was called; this one is dropped.
        case finished
    }

    private let state = Mutex(State())
    private let limit: Int
    private let pauseAt: Int
    private let run: @Sendable (Job) async -> Void
    private let caughtUp: @Sendable (Job) -> Void

    init(
        limit: Int,
        pauseAt: Int = .max,
        run: @escaping @Sendable (Job) async -> Void,
        caughtUp: @escaping @Sendable (Job) -> Void = { _ in }
    ) {
        self.limit = limit
        self.pauseAt = pauseAt
        self.run = run
        self.caughtUp = caughtUp
    }

    @discardableResult
    func enqueue(_ job: Job) -> Outcome {
        let (outcome, start) = state.withLock { state -> (Outcome, Bool) in
            guard !state.finished else { return (.finished, false) }
            guard state.waiting.count < limit else { return (.full, false) }
            state.waiting.append(job)
            var outcome = Outcome.enqueued
            if state.waiting.count >= pauseAt {
                state.paused = true
                outcome = .enqueuedPause
            }
            guard !state.running else { return (outcome, false) }
            state.running = true
            return (outcome, true)
        }
        if start {
            Task { await self.drain() }
        }
        return outcome
    }

    /// Runs `body` on the caller's task if no job runs or waits, as if it were a job: one
    /// enqueued meanwhile waits for it. `false` (and `body` not run) when the queue is busy
    /// or finished. For work that cannot suspend, which then needs no task of its own.
    func runIfIdle(_ body: () -> Void) -> Bool {
        let idle = state.withLock { state -> Bool in
            guard !state.finished, !state.running, state.waiting.isEmpty else { return false }
            state.running = true
            return true
        }
        guard idle else { return false }
        body()
        let more = state.withLock { state -> Bool in
            if state.waiting.isEmpty { state.running = false }
            return state.running
        }
        if more {
            Task { await self.drain() }
        }
        return true
    }

    /// Refuses new jobs; those already waiting still run.
    func finish() {
        state.withLock { $0.finished = true }
    }

    private func drain() async {
        var last: Job?
        while true {
            let (next, resume) = state.withLock { state -> (Job?, Bool) in
                guard !state.waiting.isEmpty else {
                    state.running = false
                    defer { state.paused = false }
                    return (nil, state.paused)
                }
                return (state.waiting.removeFirst(), false)
            }
            guard let job = next else {
                if resume, let last { caughtUp(last) }
                return
            }
            await run(job)
            last = job
        }
    }
}
