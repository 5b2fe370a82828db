/// Which peer addresses a client may reach through the relay (RFC 8656
/// §21.2 "Protection from abuse"; DESIGN.md "Relay policy defaults").
///
/// Evaluation order: the appliance's own relay addresses are always allowed
/// (relay-to-relay calls between two NAT-ed users are the main case); an
/// IPv4 address embedded in IPv6 (`::ffff:0:0/96`, `::/96`, `64:ff9b::/96`,
/// `2002::/16`) is judged as that IPv4 address, so `::ffff:127.0.0.1` is
/// loopback; then the operator's allow-list; then the loopback switch; then
/// the special-purpose ranges of `PeerAddressCategory` are refused.
public struct PeerPolicy: Hashable, Sendable {
    public var allowedNetworks: [CIDR]
    public var allowLoopback: Bool
    public var relayAddresses: Set<IPAddress>

    public init(allowedNetworks: [CIDR] = [], allowLoopback: Bool = false, relayAddresses: Set<IPAddress> = []) {
        self.allowedNetworks = allowedNetworks
        self.allowLoopback = allowLoopback
        self.relayAddresses = relayAddresses
    }

    /// Whether a peer may be reached, and if not, which special-purpose
    /// range it falls in (for the 403 log line and metrics).
    public enum Verdict: Hashable, Sendable {
        case allowed
        case denied(PeerAddressCategory)
    }

    public func verdict(for address: IPAddress) -> Verdict {
        if relayAddresses.contains(address) { return .allowed }
        if let embedded = Self.embeddedIPv4(in: address) { return verdict(for: .v4(embedded)) }
        if allowedNetworks.contains(where: { $0.contains(address) }) { return .allowed }
        guard let category = PeerAddressCategory.of(address) else { return .allowed }
        if category == .loopback, allowLoopback { return .allowed }
        return .denied(category)
    }

    public func permits(_ address: IPAddress) -> Bool {
        verdict(for: address) == .allowed
    }

    /// The IPv4 address carried by IPv4-mapped (RFC 4291 §2.5.5.2),
    /// IPv4-compatible (§2.5.5.1, which includes `::` and `::1`'s prefix),
    /// NAT64 well-known prefix (RFC 6052) and 6to4 (RFC 3056) addresses.
    static func embeddedIPv4(in address: IPAddress) -> IPv4Address? {
        guard case .v6(let v6) = address else { return nil }
        let low32 = IPv4Address(UInt32(truncatingIfNeeded: v6.low))
        switch (v6.high, v6.low >> 32) {
        case (0, 0x0000_FFFF): return low32                      // ::ffff:a.b.c.d
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
