import Relay

/// Client address ranges the HTTP side trusts (`metrics.allowFrom`, `http.trustedProxies`),
/// in the relay's CIDR notation so one parser serves every range in the configuration.
enum ClientNetworks {
    /// Loopback and private networks: who may read `/metrics` unless configured otherwise.
    static let loopbackAndPrivate = [
        "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
    ]

    /// Whether a peer's textual address is in one of the networks. An IPv4-mapped IPv6
    /// peer (`::ffff:10.1.2.3`), as a dual-stack listener reports IPv4 clients, is judged
    /// by its IPv4 address.
    static func contains(_ networks: [CIDR], address text: String) -> Bool {
        guard var address = IPAddress(text) else { return false }
        if case .v6(let v6) = address, v6.high == 0, v6.low >> 32 == 0xFFFF {
            address = .v4(IPv4Address(UInt32(truncatingIfNeeded: v6.low)))
        }
        return networks.contains { $0.contains(address) }
    }
}
