import Relay

/// This machine's own IP addresses, for choosing what the relay advertises when it listens on
/// a wildcard (`0.0.0.0`, `::`) and `relay.publicAddress` is unset: a fresh install must relay
/// without being told its address first (docs/relay.md, "The advertised address").
///
/// A plain value: `HostAddresses.system()` reads it from the kernel, tests build it by hand.
struct HostAddresses: Equatable, Sendable {
    /// One address of a network interface, as getifaddrs(3) lists it.
    struct InterfaceAddress: Equatable, Sendable {
        var interface: String
        var address: IPAddress
        var isUp: Bool
        var isLoopback: Bool
    }

    /// An address chosen for the relay, with what an operator needs to judge it.
    struct Choice: Equatable, Sendable {
        var address: IPAddress
        /// The interface that holds it, when known.
        var interface: String?
        /// Set when the address is special-purpose (private, CGNAT, unique-local …): clients
        /// outside its network cannot reach it.
        var category: PeerAddressCategory?

        var description: String {
            var parts = [interface.map { "on \($0)" }].compactMap { $0 }
            if let category { parts.append("\(category.phrase) address") }
            return parts.isEmpty ? "\(address)" : "\(address) (\(parts.joined(separator: ", ")))"
        }
    }

    var interfaces: [InterfaceAddress]
    /// The source addresses the kernel picks for the default route, one per family that has
    /// one: what this box says "from" on the internet.
    var defaultRouteSources: [IPAddress]

    /// The box's primary address of a family: the default route's source address, else the
    /// first usable interface address, globally reachable ones first. Loopback, link-local,
    /// multicast and interfaces that are down are never chosen.
    func primary(_ family: AddressFamily) -> Choice? {
        let usable = interfaces.filter { $0.isUp && !$0.isLoopback && Self.isAdvertisable($0.address, family) }
        if let source = defaultRouteSources.first(where: { Self.isAdvertisable($0, family) }) {
            // Without an interface list (getifaddrs refused) the route alone is trusted.
            if let owner = usable.first(where: { $0.address == source }) { return choice(owner.address, owner.interface) }
            if interfaces.isEmpty { return choice(source, nil) }
        }
        guard let chosen = usable.first(where: { PeerAddressCategory.of($0.address) == nil }) ?? usable.first else { return nil }
        return choice(chosen.address, chosen.interface)
    }

    private func choice(_ address: IPAddress, _ interface: String?) -> Choice {
        Choice(address: address, interface: interface, category: PeerAddressCategory.of(address))
    }

    private static func isAdvertisable(_ address: IPAddress, _ family: AddressFamily) -> Bool {
        guard address.family == family else { return false }
        let category = PeerAddressCategory.of(address)
        return category != .loopback && category != .linkLocal && category != .multicast && category != .unspecified
    }
}

extension PeerAddressCategory {
    /// The category as an operator reads it in `check-config` and warnings.
    var phrase: String {
        switch self {
        case .privateUse: "private (RFC 1918)"
        case .sharedAddressSpace: "carrier-grade NAT (RFC 6598)"
        case .uniqueLocal: "unique-local (RFC 4193)"
        case .linkLocal: "link-local"
        case .protocolAssignments: "IETF protocol assignment"
        case .applianceService: "this appliance's own service port"
        case .unspecified, .loopback, .multicast, .reserved, .documentation, .benchmarking: rawValue
        }
    }
}
