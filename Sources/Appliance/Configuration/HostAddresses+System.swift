#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import Relay

extension HostAddresses {
    /// Reads the addresses from the kernel: getifaddrs(3) for the interfaces, and for each
    /// family the source address of a UDP socket connected to a documentation address
    /// (RFC 5737 `192.0.2.1`, RFC 3849 `2001:db8::1`), which the kernel routes by the default
    /// route. Connecting a UDP socket sends nothing. Anything the kernel refuses is left out.
    static func system() -> HostAddresses {
        HostAddresses(
            interfaces: interfaceAddresses(),
            defaultRouteSources: ["192.0.2.1", "2001:db8::1"].compactMap(routeSource(toward:)))
    }

    private static func interfaceAddresses() -> [InterfaceAddress] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var result: [InterfaceAddress] = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let socketAddress = entry.pointee.ifa_addr, let address = ipAddress(socketAddress) else { continue }
            let flags = Int32(bitPattern: UInt32(truncatingIfNeeded: entry.pointee.ifa_flags))
            result.append(
                InterfaceAddress(
                    interface: String(cString: entry.pointee.ifa_name), address: address,
                    isUp: flags & Int32(IFF_UP) != 0, isLoopback: flags & Int32(IFF_LOOPBACK) != 0))
        }
        return result
    }

    #if canImport(Glibc)
    private static let datagram = Int32(SOCK_DGRAM.rawValue)
    #else
    private static let datagram = SOCK_DGRAM
    #endif

    private static func routeSource(toward destination: String) -> IPAddress? {
        guard let destination = try? SocketAddress(ipAddress: destination, port: 9) else { return nil }
        let descriptor = socket(destination.protocol.rawValue, datagram, 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard destination.withSockAddr({ connect(descriptor, $0, socklen_t($1)) }) == 0 else { return nil }
        var local = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 ? ipAddress($0) : nil }
        }
    }

    private static func ipAddress(_ socketAddress: UnsafePointer<sockaddr>) -> IPAddress? {
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            let v4 = UnsafeRawPointer(socketAddress).loadUnaligned(as: sockaddr_in.self)
            return .v4(IPv4Address(UInt32(bigEndian: v4.sin_addr.s_addr)))
        case AF_INET6:
            let v6 = UnsafeRawPointer(socketAddress).loadUnaligned(as: sockaddr_in6.self)
            return withUnsafeBytes(of: v6.sin6_addr) { IPv6Address(bytes: $0) }.map { .v6($0) }
        default:
            return nil
        }
    }
}
