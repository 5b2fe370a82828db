import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The address a request really came from, for rate limits and logs.
///
/// `X-Forwarded-For` is believed only from trusted proxies: walking the list from the right
/// (the hop nearest to us), each address is the client unless the hop that reported it is
/// a trusted proxy. A client cannot forge its way past a limit by sending the header itself.
enum ClientAddress {
    static func resolve(peer: String?, forwardedFor: String?, isTrustedProxy: (String) -> Bool) -> String {
        guard var current = peer else { return "unknown" }
        guard let forwardedFor else { return current }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() {
            guard isTrustedProxy(current) else { return current }
            current = hop
        }
        return current
    }

    /// What a limiter counts a client as: an IPv4 address itself, an IPv6 address by its
    /// /64 (one host usually holds a whole /64 and can pick any address in it), an
    /// IPv4-mapped IPv6 address as its IPv4. Anything else (a name, "unknown") as given.
    static func rateLimitKey(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
