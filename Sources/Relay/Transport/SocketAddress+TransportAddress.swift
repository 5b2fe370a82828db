#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Conversions between NIO's `SocketAddress` and the core's
/// `TransportAddress`, read straight from the `sockaddr` without strings.
extension TransportAddress {
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            let raw = v4.address
            self.init(ip: .v4(IPv4Address(UInt32(bigEndian: raw.sin_addr.s_addr))), port: UInt16(bigEndian: raw.sin_port))
        case .v6(let v6):
            let raw = v6.address
            let ip = withUnsafeBytes(of: raw.sin6_addr) { IPv6Address(bytes: $0) }
            guard let ip else { return nil }
            self.init(ip: .v6(ip), port: UInt16(bigEndian: raw.sin6_port))
        case .unixDomainSocket:
            return nil
        }
    }
}

extension SocketAddress {
    init(_ address: TransportAddress) {
        switch address.ip {
        case .v4(let ip):
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = address.port.bigEndian
            raw.sin_addr.s_addr = ip.value.bigEndian
            self.init(raw, host: "")
        case .v6(let ip):
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = address.port.bigEndian
            let bytes = ip.bytes
            withUnsafeMutableBytes(of: &raw.sin6_addr) { target in
                for index in 0..<16 { target[index] = bytes[index] }
            }
            self.init(raw, host: "")
        }
    }
}
