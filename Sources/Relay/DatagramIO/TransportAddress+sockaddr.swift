#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `TransportAddress` read from and written to a raw `sockaddr_in`/`sockaddr_in6`, for
/// the datagram loop: no allocation either way.
extension TransportAddress {
    init?(sockaddr raw: UnsafeRawPointer) {
        switch Int32(raw.load(as: sockaddr.self).sa_family) {
        case AF_INET:
            let v4 = raw.load(as: sockaddr_in.self)
            self.init(ip: .v4(IPv4Address(UInt32(bigEndian: v4.sin_addr.s_addr))), port: UInt16(bigEndian: v4.sin_port))
        case AF_INET6:
            let v6 = raw.load(as: sockaddr_in6.self)
            let (high, low) = withUnsafeBytes(of: v6.sin6_addr) {
                (UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)),
                 UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            self.init(ip: .v6(IPv6Address(high: high, low: low)), port: UInt16(bigEndian: v6.sin6_port))
        default:
            return nil
        }
    }

    /// Writes the address as a `sockaddr` into `raw` (room for a `sockaddr_storage`)
    /// and returns its length.
    func write(to raw: UnsafeMutableRawPointer) -> socklen_t {
        switch ip {
        case .v4(let ip):
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            v4.sin_addr.s_addr = ip.value.bigEndian
            raw.storeBytes(of: v4, as: sockaddr_in.self)
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v6(let ip):
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &v6.sin6_addr) {
                $0.storeBytes(of: ip.high.bigEndian, as: UInt64.self)
                $0.storeBytes(of: ip.low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            raw.storeBytes(of: v6, as: sockaddr_in6.self)
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
    }
}
