#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Datagrams waiting to leave, in order, each with the socket it leaves from. The loop
/// flushes the queue once per turn (or when it fills), and consecutive datagrams of one
/// socket go out in one `sendmmsg`: the peer datagrams of many relay sockets reach their
/// clients through one call on the listener.
final class SendQueue {
    /// Payload room per datagram: the largest datagram read (`RelayLoop.maximumDatagram`)
    /// plus the largest framing added to it (a Data indication's header and attributes);
    /// the kernel refuses what exceeds UDP's own limit (EMSGSIZE, counted as a failure).
    static let slotSize = RelayLoop.maximumDatagram + 64

    private let slots: DatagramSlots
    private var sockets: [Int32]
    private(set) var count = 0
    /// Datagrams the kernel refused (a full send buffer, an unreachable route) since
    /// the last `takeFailures()`.
    private var failures = 0

    init(capacity: Int = 64) {
        slots = DatagramSlots(count: capacity, slotSize: Self.slotSize)
        sockets = Array(repeating: -1, count: capacity)
    }

    /// Queues `length` bytes, written by `body`, to leave `socket` for `destination`.
    /// Returns false (and queues nothing) if they cannot fit one datagram slot.
    @discardableResult
    func enqueue(from socket: Int32, to destination: TransportAddress, length: Int,
                 _ body: (UnsafeMutableRawBufferPointer) -> Void) -> Bool {
        guard length <= Self.slotSize else { return false }
        if count == slots.count { flush() }
        slots.prepare(count, to: destination, length: length, body)
        sockets[count] = socket
        count += 1
        return true
    }

    @discardableResult
    func enqueue(from socket: Int32, to destination: TransportAddress, bytes: UnsafeRawBufferPointer) -> Bool {
        enqueue(from: socket, to: destination, length: bytes.count) { $0.copyMemory(from: bytes) }
    }

    /// Sends everything queued, one `sendmmsg` per run of datagrams from one socket. A
    /// datagram the kernel refuses is dropped and counted, like a loss on the wire; a
    /// full send buffer drops the rest of that run.
    func flush() {
        var start = 0
        while start < count {
            var end = start + 1
            while end < count && sockets[end] == sockets[start] { end += 1 }
            send(start..<end)
            start = end
        }
        count = 0
    }

    func takeFailures() -> Int {
        defer { failures = 0 }
        return failures
    }

    private func send(_ run: Range<Int>) {
        var next = run.lowerBound
        while next < run.upperBound {
            if let sent = slots.send(from: sockets[next], next..<run.upperBound) {
                guard sent > 0 else {  // nothing taken and no error: give the run up, never spin
                    failures += run.upperBound - next
                    return
                }
                next += sent
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK, ENOBUFS:
                failures += run.upperBound - next
                return
            default:
                failures += 1  // this datagram only (EMSGSIZE under DONT-FRAGMENT, ENETUNREACH, …)
                next += 1
            }
        }
    }
}
