#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CRelayIO
import NIOCore

/// An epoll set (level-triggered input only) with a doorbell: an eventfd that other
/// threads ring to wake the waiting loop. Level-triggered so that a socket left with
/// datagrams after a bounded read is reported again on the next wait.
final class EventPoll: Sendable {
    /// The token `wait` reports for the doorbell.
    static let doorbellToken = UInt64.max

    private let descriptor: Int32
    private let doorbell: Int32

    init() throws(IOError) {
        let descriptor = crelayio_epoll_create()
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
        let doorbell = crelayio_eventfd()
        guard doorbell >= 0 else {
            let code = errno
            close(descriptor)
            throw IOError(errnoCode: code, reason: "eventfd")
        }
        guard crelayio_epoll_add(descriptor, doorbell, Self.doorbellToken) == 0 else {
            let code = errno
            close(descriptor)
            close(doorbell)
            throw IOError(errnoCode: code, reason: "epoll_ctl")
        }
        self.descriptor = descriptor
        self.doorbell = doorbell
    }

    deinit {
        close(descriptor)
        close(doorbell)
    }

    /// Watches `socket` for input; `wait` reports it by its descriptor.
    func add(_ socket: UDPSocket) throws(IOError) {
        guard crelayio_epoll_add(descriptor, socket.descriptor, UInt64(socket.descriptor)) == 0 else {
            throw IOError(errnoCode: errno, reason: "epoll_ctl")
        }
    }

    func remove(_ socket: UDPSocket) {
        _ = crelayio_epoll_remove(descriptor, socket.descriptor)
    }

    /// Waits up to `timeout` milliseconds (-1: without limit) and writes the tokens of
    /// what is ready into `tokens`: how many (0 on timeout or a signal).
    func wait(into tokens: UnsafeMutablePointer<UInt64>, capacity: Int, timeout: Int32) -> Int {
        max(0, Int(crelayio_epoll_wait(descriptor, tokens, Int32(capacity), timeout)))
    }

    /// Wakes `wait`; callable from any thread.
    func ring() {
        var one: UInt64 = 1
        _ = Glibc.write(doorbell, &one, MemoryLayout<UInt64>.size)
    }

    /// Resets the doorbell after `wait` reported it.
    func answer() {
        var count: UInt64 = 0
        _ = Glibc.read(doorbell, &count, MemoryLayout<UInt64>.size)
    }
}
