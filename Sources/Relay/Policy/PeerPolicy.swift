/// Which peers a client may reach through the relay (RFC 8656 §21.2 "Protection from
/// abuse"; docs/relay.md "Peer policy" and "Security").
///
/// Evaluation order:
/// 1. an IPv4 address embedded in IPv6 (`::ffff:0:0/96`, `::ffff:0:0:0/96`, `::/96`,
///    `64:ff9b::/96`, `2002::/16`) is judged as that IPv4 address, so `::ffff:127.0.0.1`
///    is loopback;
/// 2. the loopback switch (tests on one machine);
/// 3. the appliance's own relay addresses are allowed on relayed ports only: that is
///    another allocation (the relay-to-relay call between two NAT-ed users), while any
///    other port is one of the box's own services (DNS, SNMP, 3478 itself) that its
///    firewall hides from the outside;
/// 4. the operator's allow-list;
/// 5. the special-purpose ranges of `PeerAddressCategory` are refused.
public struct PeerPolicy: Hashable, Sendable {
    public var allowedNetworks: [CIDR]
    public var allowLoopback: Bool
    public var relayAddresses: Set<IPAddress>
    /// The relayed ports (`relay.portRange`): the only ports of `relayAddresses` a peer may have.
    public var relayPorts: ClosedRange<UInt16>

    public init(
        allowedNetworks: [CIDR] = [], allowLoopback: Bool = false, relayAddresses: Set<IPAddress> = [],
        relayPorts: ClosedRange<UInt16> = 49152...65535
    ) {
        self.allowedNetworks = allowedNetworks
        self.allowLoopback = allowLoopback
        self.relayAddresses = relayAddresses
        self.relayPorts = relayPorts
    }

    /// Whether a peer may be reached, and if not, why (for the 403 log line and metrics).
    public enum Verdict: Hashable, Sendable {
        case allowed
        case denied(PeerAddressCategory)
    }

    public func verdict(for peer: TransportAddress) -> Verdict {
        if let embedded = Self.embeddedIPv4(in: peer.ip) {
            return verdict(for: TransportAddress(ip: .v4(embedded), port: peer.port))
        }
        let category = PeerAddressCategory.of(peer.ip)
        if category == .loopback, allowLoopback { return .allowed }
        if relayAddresses.contains(peer.ip) {
            return relayPorts.contains(peer.port) ? .allowed : .denied(.applianceService)
        }
        if allowedNetworks.contains(where: { $0.contains(peer.ip) }) { return .allowed }
        return category.map(Verdict.denied) ?? .allowed
    }

    public func permits(_ peer: TransportAddress) -> Bool {
        verdict(for: peer) == .allowed
    }

    /// The IPv4 address carried by IPv4-mapped (RFC 4291 §2.5.5.2), IPv4-translated
    /// (SIIT, RFC 2765 §2.1: `::ffff:0:a.b.c.d`), IPv4-compatible (§2.5.5.1, which
    /// includes `::` and `::1`'s prefix), NAT64 well-known prefix (RFC 6052) and 6to4
    /// (RFC 3056) addresses.
    static func embeddedIPv4(in address: IPAddress) -> IPv4Address? {
        guard case .v6(let v6) = address else { return nil }
        let low32 = IPv4Address(UInt32(truncatingIfNeeded: v6.low))
        switch (v6.high, v6.low >> 32) {
        case (0, 0x0000_FFFF): return low32                      // ::ffff:a.b.c.d
        case (0, 0xFFFF_0000): return low32                      // ::ffff:0:a.b.c.d
        case (0, 0) where v6.low > 1: return low32               // ::a.b.c.d, not :: or ::1
        case (0x0064_FF9B_0000_0000, 0): return low32            // 64:ff9b::a.b.c.d
        default: break
        }
        if v6.high >> 48 == 0x2002 {                             // 2002:AABB:CCDD::/48
            return IPv4Address(UInt32(truncatingIfNeeded: v6.high >> 16))
        }
        return nil
    }
}
