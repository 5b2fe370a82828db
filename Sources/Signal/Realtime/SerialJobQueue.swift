import Synchronization

/// Runs jobs one at a time, in the order they came, on a task that exists only while
/// there is work: an idle connection holds no task (10,000 idle connections, 10,000 fewer
/// suspended tasks). At most `limit` jobs wait; more are refused.
final class SerialJobQueue<Job: Sendable>: Sendable {
    private struct State {
        var waiting: [Job] = []
        var running = false
        var finished = false
    }

    enum Outcome: Equatable {
        case enqueued
        /// `limit` jobs already wait; this one is dropped.
        case full
        /// `finish()` was called; this one is dropped.
        case finished
    }

    private let state = Mutex(State())
    private let limit: Int
    private let run: @Sendable (Job) async -> Void

    init(limit: Int, run: @escaping @Sendable (Job) async -> Void) {
        self.limit = limit
        self.run = run
    }

    @discardableResult
    func enqueue(_ job: Job) -> Outcome {
        let (outcome, start) = state.withLock { state -> (Outcome, Bool) in
            guard !state.finished else { return (.finished, false) }
            guard state.waiting.count < limit else { return (.full, false) }
            state.waiting.append(job)
            guard !state.running else { return (.enqueued, false) }
            state.running = true
            return (.enqueued, true)
        }
        if start {
            Task { await self.drain() }
        }
        return outcome
    }

    /// Refuses new jobs; those already waiting still run.
    func finish() {
        state.withLock { $0.finished = true }
    }

    private func drain() async {
        while let job = state.withLock({ state -> Job? in
            guard !state.waiting.isEmpty else {
                state.running = false
                return nil
            }
            return state.waiting.removeFirst()
        }) {
            await run(job)
        }
    }
}
