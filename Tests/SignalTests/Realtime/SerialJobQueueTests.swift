import Synchronization
import Testing

@testable import Signal

@Suite(.timeLimit(.minutes(1))) struct SerialJobQueueTests {
    /// Waits (bounded) until `condition` holds.
    func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            try #require(ContinuousClock.now < deadline, "timed out")
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    @Test func runsJobsOneAtATimeInOrder() async throws {
        let log = Mutex<[String]>([])
        let queue = SerialJobQueue<Int>(limit: 100) { job in
            log.withLock { $0.append("start \(job)") }
            try? await Task.sleep(for: .milliseconds(job == 0 ? 20 : 0))
            log.withLock { $0.append("end \(job)") }
        }
        for job in 0..<3 { #expect(queue.enqueue(job) == .enqueued) }
        try await eventually { log.withLock { $0.count } == 6 }
        #expect(log.withLock { $0 } == ["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"])
        // Idle again: the next job starts a new runner.
        #expect(queue.enqueue(3) == .enqueued)
        try await eventually { log.withLock { $0.count } == 8 }
    }

    @Test func refusesJobsBeyondTheLimitAndAfterFinish() async throws {
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let ran = Mutex<[Int]>([])
        let queue = SerialJobQueue<Int>(limit: 2) { job in
            if job == 0 { await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } } }
            ran.withLock { $0.append(job) }
        }
        #expect(queue.enqueue(0) == .enqueued)
        try await eventually { gate.withLock { $0 != nil } }  // job 0 runs and blocks
        #expect(queue.enqueue(1) == .enqueued)
        #expect(queue.enqueue(2) == .enqueued)
        #expect(queue.enqueue(3) == .full)
        queue.finish()
        #expect(queue.enqueue(4) == .finished)
        gate.withLock { $0?.resume() }
        try await eventually { ran.withLock { $0.count } == 3 }
        #expect(ran.withLock { $0 } == [0, 1, 2])
    }

    @Test func runsWorkOnTheCallersTaskOnlyWhenIdle() async throws {
        let log = Mutex<[String]>([])
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let queue = SerialJobQueue<Int>(limit: 100) { job in
            if job == 0 { await withCheckedContinuation { continuation in gate.withLock { $0 = continuation } } }
            log.withLock { $0.append("job \(job)") }
        }
        var ran = false
        #expect(queue.runIfIdle { ran = true })
        #expect(ran)  // at once, on this task

        #expect(queue.enqueue(0) == .enqueued)
        try await eventually { gate.withLock { $0 != nil } }  // job 0 runs and blocks
        #expect(!queue.runIfIdle { log.withLock { $0.append("inline while busy") } })
        gate.withLock { $0?.resume() }
        try await eventually { log.withLock { $0 } == ["job 0"] }

        // A job enqueued while inline work runs waits for it, then gets a runner.
        try await eventually { queue.runIfIdle { log.withLock { $0.append("inline") }; _ = queue.enqueue(1) } }
        try await eventually { log.withLock { $0.count } == 3 }
        #expect(log.withLock { $0 } == ["job 0", "inline", "job 1"])
        queue.finish()
        #expect(!queue.runIfIdle {})
    }
}
