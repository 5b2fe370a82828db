#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CRelayIO

/// Buffers for one `recvmmsg`/`sendmmsg` of up to `count` datagrams: a payload slot,
/// an address and a message header each, allocated once and reused for every batch,
/// so that relaying a datagram allocates nothing.
final class DatagramSlots {
    let count: Int
    let slotSize: Int
    private let payloads: UnsafeMutableRawPointer
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    private let vectors: UnsafeMutablePointer<iovec>
    private let headers: UnsafeMutablePointer<crelayio_mmsghdr>

    init(count: Int, slotSize: Int) {
        self.count = count
        self.slotSize = slotSize
        payloads = .allocate(byteCount: count * slotSize, alignment: 16)
        addresses = .allocate(capacity: count)
        addresses.initialize(repeating: sockaddr_storage(), count: count)
        vectors = .allocate(capacity: count)
        headers = .allocate(capacity: count)
        for index in 0..<count {
            vectors[index] = iovec(iov_base: payloads + index * slotSize, iov_len: slotSize)
            var header = crelayio_mmsghdr()
            header.msg_hdr.msg_name = UnsafeMutableRawPointer(addresses + index)
            header.msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            header.msg_hdr.msg_iov = vectors + index
            header.msg_hdr.msg_iovlen = 1
            headers[index] = header
        }
    }

    deinit {
        payloads.deallocate()
        addresses.deallocate()
        vectors.deallocate()
        headers.deallocate()
    }

    // MARK: Receiving

    /// Reads up to `limit` queued datagrams from a non-blocking socket into the first
    /// slots: how many, or `nil` with `errno` set (EAGAIN: none queued).
    func receive(from descriptor: Int32, limit: Int) -> Int? {
        let limit = min(limit, count)
        for index in 0..<limit {
            vectors[index].iov_len = slotSize
            headers[index].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            headers[index].msg_hdr.msg_flags = 0
        }
        let received = crelayio_recvmmsg(descriptor, headers, UInt32(limit))
        return received >= 0 ? Int(received) : nil
    }

    /// The datagram received into slot `index`.
    func payload(at index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: payloads + index * slotSize, count: Int(headers[index].msg_len))
    }

    /// Where the datagram in slot `index` came from.
    func source(at index: Int) -> TransportAddress? {
        TransportAddress(sockaddr: UnsafeRawPointer(addresses + index))
    }

    /// Whether the datagram was longer than its slot and lost its tail (MSG_TRUNC).
    func isTruncated(at index: Int) -> Bool {
        headers[index].msg_hdr.msg_flags & Int32(MSG_TRUNC) != 0
    }

    // MARK: Sending

    /// Prepares slot `index` to carry `length` bytes, written by `body`, to `destination`.
    func prepare(_ index: Int, to destination: TransportAddress, length: Int,
                 _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        headers[index].msg_hdr.msg_namelen = destination.write(to: UnsafeMutableRawPointer(addresses + index))
        vectors[index].iov_len = length
        body(UnsafeMutableRawBufferPointer(start: payloads + index * slotSize, count: length))
    }

    /// Sends the prepared slots `range` from one socket: how many left, or `nil` with
    /// `errno` set when the first of them could not.
    func send(from descriptor: Int32, _ range: Range<Int>) -> Int? {
        let sent = crelayio_sendmmsg(descriptor, headers + range.lowerBound, UInt32(range.count))
        return sent >= 0 ? Int(sent) : nil
    }
}
