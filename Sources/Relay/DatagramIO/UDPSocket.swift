#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore

/// A non-blocking UDP socket read and written by the relay's own loop (`RelayLoop`),
/// not by an NIO channel, so that a datagram costs no address object, string, envelope
/// or pipeline pass. Closed when the last reference goes.
final class UDPSocket: Sendable {
    let descriptor: Int32
    let family: AddressFamily

    init(family: AddressFamily) throws(IOError) {
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        let descriptor = socket(domain, Int32(SOCK_DGRAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        self.descriptor = descriptor
        self.family = family
    }

    deinit {
        close(descriptor)
    }

    func setOption(level: Int32, name: Int32, _ value: Int32) throws(IOError) {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw IOError(errnoCode: errno, reason: "setsockopt")
        }
    }

    func option(level: Int32, name: Int32) throws(IOError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, level, name, &value, &length) == 0 else {
            throw IOError(errnoCode: errno, reason: "getsockopt")
        }
        return value
    }

    func bind(to address: TransportAddress) throws(IOError) {
        var storage = sockaddr_storage()
        let length = withUnsafeMutableBytes(of: &storage) { address.write(to: $0.baseAddress!) }
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, length) }
        }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "bind") }
    }

    /// The bound address (the port the kernel picked for port 0).
    func localAddress() throws(IOError) -> TransportAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        guard let address = withUnsafeBytes(of: &storage, { TransportAddress(sockaddr: $0.baseAddress!) }) else {
            throw IOError(errnoCode: EAFNOSUPPORT, reason: "getsockname")
        }
        return address
    }
}
