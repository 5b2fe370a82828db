#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Testing
@testable import Relay

/// The relay's own datagram I/O over real loopback sockets.
struct DatagramSlotsAndSendQueueTests {
    static func boundSocket(_ host: String = "127.0.0.1") throws -> (UDPSocket, TransportAddress) {
        let socket = try UDPSocket(family: IPAddress(host)!.family)
        try socket.bind(to: TransportAddress(ip: IPAddress(host)!, port: 0))
        return (socket, try socket.localAddress())
    }

    /// Reads until `count` datagrams have arrived, within a bounded number of tries.
    static func receive(_ count: Int, on socket: UDPSocket, slotSize: Int = 2048)
        -> [(source: TransportAddress?, bytes: [UInt8], truncated: Bool)] {
        let slots = DatagramSlots(count: 16, slotSize: slotSize)
        var received: [(source: TransportAddress?, bytes: [UInt8], truncated: Bool)] = []
        for _ in 0..<500 where received.count < count {
            let batch = slots.receive(from: socket.descriptor, limit: 16) ?? 0
            for index in 0..<batch {
                received.append((slots.source(at: index), Array(slots.payload(at: index)), slots.isTruncated(at: index)))
            }
            if batch == 0 { usleep(2_000) }
        }
        return received
    }

    @Test(arguments: [
        TransportAddress(ip: IPAddress("192.0.2.7")!, port: 3478),
        TransportAddress(ip: IPAddress("2001:db8::1:2")!, port: 65535),
    ])
    func sockaddrRoundTrips(address: TransportAddress) {
        var storage = sockaddr_storage()
        let length = withUnsafeMutableBytes(of: &storage) { address.write(to: $0.baseAddress!) }
        #expect(Int(length) == (address.family == .ipv4 ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size))
        #expect(withUnsafeBytes(of: &storage) { TransportAddress(sockaddr: $0.baseAddress!) } == address)
    }

    @Test func queuedDatagramsLeaveInOrderFromTheirOwnSockets() throws {
        let (first, firstAddress) = try Self.boundSocket()
        let (second, secondAddress) = try Self.boundSocket()
        let (receiver, destination) = try Self.boundSocket()
        let queue = SendQueue(capacity: 3)  // smaller than the five datagrams: a full queue flushes itself
        let plan: [(UDPSocket, UInt8)] = [(first, 1), (first, 2), (second, 3), (first, 4), (second, 5)]
        for (socket, byte) in plan {
            [byte, byte].withUnsafeBytes { #expect(queue.enqueue(from: socket.descriptor, to: destination, bytes: $0)) }
        }
        queue.flush()
        let received = Self.receive(5, on: receiver)
        #expect(received.map(\.bytes) == [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]])
        #expect(received.map(\.source) == [firstAddress, firstAddress, secondAddress, firstAddress, secondAddress])
        #expect(queue.takeFailures() == 0)
    }

    @Test func aRefusedDatagramIsCountedAndTheNextStillLeaves() throws {
        let (sender, _) = try Self.boundSocket()
        let (receiver, destination) = try Self.boundSocket()
        let queue = SendQueue()
        let unreachable = TransportAddress(ip: IPAddress("::1")!, port: 9)  // IPv6 from an IPv4 socket
        [UInt8]([9]).withUnsafeBytes { _ = queue.enqueue(from: sender.descriptor, to: unreachable, bytes: $0) }
        [UInt8]([7]).withUnsafeBytes { _ = queue.enqueue(from: sender.descriptor, to: destination, bytes: $0) }
        queue.flush()
        #expect(Self.receive(1, on: receiver).map(\.bytes) == [[7]])
        #expect(queue.takeFailures() == 1)
        #expect(queue.takeFailures() == 0)
    }

    @Test func aDatagramLargerThanOneSlotIsRefused() throws {
        let (sender, _) = try Self.boundSocket()
        let queue = SendQueue()
        let big = [UInt8](repeating: 0, count: SendQueue.slotSize + 1)
        big.withUnsafeBytes {
            #expect(!queue.enqueue(from: sender.descriptor, to: TransportAddress(ip: IPAddress("127.0.0.1")!, port: 9), bytes: $0))
        }
    }

    @Test func aDatagramLongerThanItsSlotIsMarkedTruncated() throws {
        let (sender, _) = try Self.boundSocket()
        let (receiver, destination) = try Self.boundSocket()
        let queue = SendQueue()
        [UInt8](repeating: 1, count: 100).withUnsafeBytes { _ = queue.enqueue(from: sender.descriptor, to: destination, bytes: $0) }
        [UInt8](repeating: 2, count: 10).withUnsafeBytes { _ = queue.enqueue(from: sender.descriptor, to: destination, bytes: $0) }
        queue.flush()
        let received = Self.receive(2, on: receiver, slotSize: 64)
        #expect(received.map(\.truncated) == [true, false])
        #expect(received.map(\.bytes.count) == [64, 10])
    }
}
