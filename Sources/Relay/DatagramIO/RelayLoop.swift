import Foundation
import NIOCore
import Synchronization

/// What a `RelayLoop` drives; called on the loop's thread only.
protocol RelayLoopHandler: AnyObject {
    /// A watched socket has datagrams queued.
    func readable(_ descriptor: Int32, now: Date)
    /// Once a second: lifetimes and metrics.
    func tick(now: Date)
    /// Every socket reported ready has been read: send what the turn produced.
    func endOfTurn()
    /// The loop is stopping: close what it holds.
    func stopped()
}

/// One relay thread: waits on its UDP sockets with epoll, lets its handler read the
/// ready ones, runs tasks handed over by other threads (TCP frames from SwiftNIO's event
/// loops, registrations), ticks once a second, and ends each turn with one flush.
///
/// Why not SwiftNIO's `DatagramChannel`: relaying is a few table lookups per datagram,
/// and NIO's per-datagram work around it (a `SocketAddress` with its host string, an
/// `AddressedEnvelope`, a pipeline pass, a pending-write entry) cost more CPU than the
/// relaying itself (docs/performance.md, "Relay"). NIO offers no public way to watch a
/// raw descriptor, hence a loop of our own, on its own thread.
final class RelayLoop: @unchecked Sendable {
    /// Largest datagram relayed whole: any UDP payload, and any TURN message a stream
    /// carries (STUN and ChannelData lengths are 16 bits). The slots are that large in
    /// address space only: the kernel and the send queue touch the bytes a datagram
    /// fills, so memory grows only for the large messages that actually pass.
    static let maximumDatagram = 65_535

    let name: String
    private let poll: EventPoll
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private let state = Mutex(State())
    private var nextTick = Date().addingTimeInterval(1)

    private struct State {
        var started = false
        var stopping = false
        var done = false
        /// `stop()` waiting for the thread to leave the loop.
        var waiter: CheckedContinuation<Void, Never>?
    }

    init(name: String) throws(IOError) {
        self.name = name
        self.poll = try EventPoll()
    }

    /// Runs `task` on the loop's thread, in order with the other tasks.
    func execute(_ task: @escaping @Sendable () -> Void) {
        tasks.withLock { $0.append(task) }
        poll.ring()
    }

    /// Watches a socket; on the loop's thread.
    func watch(_ socket: UDPSocket) throws(IOError) {
        try poll.add(socket)
    }

    func unwatch(_ socket: UDPSocket) {
        poll.remove(socket)
    }

    /// Starts the thread; `handler` is held until the loop stops.
    func start(_ handler: some RelayLoopHandler & Sendable) {
        guard state.withLock({ state in
            defer { state.started = true }
            return !state.started
        }) else { return }
        let thread = Thread { [self] in
            run(handler)
        }
        thread.name = name
        thread.start()
    }

    /// Stops the loop after the tasks already queued, and returns once its handler has
    /// closed everything and the thread has left the loop.
    func stop() async {
        let running = state.withLock { state -> Bool in
            let running = state.started && !state.done
            state.stopping = true
            return running
        }
        guard running else { return }
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if !state.done { state.waiter = continuation }
                return state.done
            }
            if done { continuation.resume() } else { poll.ring() }
        }
    }

    private func run(_ handler: some RelayLoopHandler) {
        let capacity = 64
        let ready = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        defer { ready.deallocate() }
        while !state.withLock({ $0.stopping }) {
            let timeout = Int32(max(0, min(1000, nextTick.timeIntervalSinceNow * 1000)).rounded(.up))
            let count = poll.wait(into: ready, capacity: capacity, timeout: timeout)
            let now = Date()
            for index in 0..<count {
                if ready[index] == EventPoll.doorbellToken {
                    poll.answer()
                    runTasks()
                } else {
                    handler.readable(Int32(truncatingIfNeeded: ready[index]), now: now)
                }
            }
            if now >= nextTick {
                nextTick = now.addingTimeInterval(1)
                handler.tick(now: now)
            }
            handler.endOfTurn()
        }
        runTasks()
        handler.endOfTurn()
        handler.stopped()
        let waiter = state.withLock { state in
            state.done = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private func runTasks() {
        var queued: [@Sendable () -> Void] = []
        tasks.withLock { swap(&queued, &$0) }
        for task in queued { task() }
    }
}
