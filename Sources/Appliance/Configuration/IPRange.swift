import Foundation

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`); a bare address is
/// a single-host range. Used for `metrics.allowFrom`.
struct IPRange: Equatable, Sendable, CustomStringConvertible {
    let network: [UInt8]
    let prefixLength: Int

    /// Parses `address[/prefix]`; `nil` when it is neither.
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = IPRange.addressBytes(String(parts[0])) else { return nil }
        let maximum = bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed) else { return nil }
            length = parsed
        }
        self.network = IPRange.masked(bytes, prefixLength: length)
        self.prefixLength = length
    }

    func contains(_ address: [UInt8]) -> Bool {
        address.count == network.count && IPRange.masked(address, prefixLength: prefixLength) == network
    }

    /// Matches a textual address; IPv4-mapped IPv6 peers (`::ffff:10.1.2.3`), as a dual-stack
    /// listener reports IPv4 clients, are judged by their IPv4 address.
    func contains(address text: String) -> Bool {
        guard var bytes = IPRange.addressBytes(text) else { return false }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        return contains(bytes)
    }

    var description: String {
        let family = network.count == 4 ? AF_INET : AF_INET6
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = network.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return "\(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))/\(prefixLength)"
    }

    /// The 4 or 16 bytes of an IP literal, `nil` for anything else (host names included).
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    private static func masked(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = min(max(prefixLength - index * 8, 0), 8)
            return bits == 8 ? byte : byte & ~(0xFF >> UInt8(bits))
        }
    }

    /// Loopback and private networks: who may read `/metrics` unless configured otherwise.
    static let loopbackAndPrivate = [
        "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
    ]
}
