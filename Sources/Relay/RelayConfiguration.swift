/// How the STUN/TURN relay listens, decided by the appliance's configuration (`relay.*`).
///
/// Only `listenAddresses` and `port` are needed to listen; TURN needs
/// `turnSecret` (derived from the JWT secret with `TURNSecret.derived(fromJWTSecret:)`
/// or `relay.authSecret`). Without one the relay answers STUN Binding and
/// refuses every TURN allocation with 401.
public struct RelayConfiguration: Sendable, Equatable {
    /// IP literals the UDP and TCP listeners bind (`relay.listenAddresses`).
    public var listenAddresses: [String]
    /// The STUN/TURN port for both UDP and TCP (`relay.port`, 3478 per RFC 8489 §18.6);
    /// 0 picks a free port (tests).
    public var port: Int
    /// The long-term credential realm (RFC 8489 §9.2; `relay.realm`).
    public var realm: String
    /// The TURN REST secret; nil disables TURN (STUN only).
    public var turnSecret: TURNSecret?
    /// Addresses advertised in XOR-RELAYED-ADDRESS behind 1:1 NAT
    /// (`relay.publicAddress`), at most one per family. Required for a family
    /// whose listen address is a wildcard (`0.0.0.0`, `::`).
    public var publicAddresses: [IPAddress]
    /// Relayed UDP ports (`relay.portRange`).
    public var portRange: ClosedRange<UInt16>
    /// Peers the relay may reach despite the default deny-list: a small
    /// office adds its LAN (`relay.allowedPeers`).
    public var allowedPeerNetworks: [CIDR]
    /// Permit 127/8 and ::1 peers (`relay.allowLoopbackPeers`; tests only).
    public var allowLoopbackPeers: Bool
    /// After its REST username expires an allocation may keep refreshing
    /// until it is this old (`relay.maxAllocationAge`), so calls never drop
    /// mid-call but stale credentials do not live forever.
    public var maximumAllocationAge: Duration
    /// Allocations per REST user (486 beyond it) and in total (508 beyond it).
    public var maximumAllocationsPerUser: Int
    public var maximumAllocations: Int
    /// Relayed bytes per second per allocation, both directions together
    /// (`relay.maxAllocationBandwidth`); nil = no cap.
    public var bandwidthLimit: Int?
    /// Live permissions and channel bindings per allocation, 508 beyond
    /// (`relay.maxPermissionsPerAllocation`, `relay.maxChannelsPerAllocation`).
    public var maximumPermissionsPerAllocation: Int
    public var maximumChannelsPerAllocation: Int
    /// TCP connections per client address (IPv6: per /64) and in total
    /// (`relay.maxConnectionsPerAddress`, `relay.maxConnections`); more are closed at once.
    public var maximumConnectionsPerAddress: Int
    public var maximumConnections: Int
    /// A TCP connection that holds no allocation is closed after this much silence
    /// (`relay.idleConnectionTimeout`).
    public var idleConnectionTimeout: Duration

    public init(
        listenAddresses: [String],
        port: Int = 3478,
        realm: String = RelayConfiguration.defaultRealm,
        turnSecret: TURNSecret? = nil,
        publicAddresses: [IPAddress] = [],
        portRange: ClosedRange<UInt16> = 49152...65535,
        allowedPeerNetworks: [CIDR] = [],
        allowLoopbackPeers: Bool = false,
        maximumAllocationAge: Duration = .seconds(12 * 3600),
        maximumAllocationsPerUser: Int = 10,
        maximumAllocations: Int = 10_000,
        bandwidthLimit: Int? = nil,
        maximumPermissionsPerAllocation: Int = 64,
        maximumChannelsPerAllocation: Int = 64,
        maximumConnectionsPerAddress: Int = 64,
        maximumConnections: Int = 4096,
        idleConnectionTimeout: Duration = .seconds(5)
    ) {
        self.listenAddresses = listenAddresses
        self.port = port
        self.realm = realm
        self.turnSecret = turnSecret
        self.publicAddresses = publicAddresses
        self.portRange = portRange
        self.allowedPeerNetworks = allowedPeerNetworks
        self.allowLoopbackPeers = allowLoopbackPeers
        self.maximumAllocationAge = maximumAllocationAge
        self.maximumAllocationsPerUser = maximumAllocationsPerUser
        self.maximumAllocations = maximumAllocations
        self.bandwidthLimit = bandwidthLimit
        self.maximumPermissionsPerAllocation = maximumPermissionsPerAllocation
        self.maximumChannelsPerAllocation = maximumChannelsPerAllocation
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.maximumConnections = maximumConnections
        self.idleConnectionTimeout = idleConnectionTimeout
    }
}

extension RelayConfiguration {
    /// Short, and not the host's name, which would leak it to anyone who asks (and a
    /// longer realm makes the 401 challenge larger than three times the smallest
    /// Allocate: such challenges are not sent over UDP, docs/relay.md "Security").
    public static let defaultRealm = "notrack"

    /// Where relay sockets bind and what they advertise, one per family:
    /// the first listen address of the family, advertised as the public
    /// address of that family when given. A wildcard listen address without
    /// a public address cannot be advertised and is skipped (reported by
    /// `relayAddressProblems`).
    var relayAddresses: [RelayAddress] {
        var result: [RelayAddress] = []
        for family in [AddressFamily.ipv4, .ipv6] {
            guard let bind = listenAddresses.compactMap({ IPAddress($0) }).first(where: { $0.family == family }) else {
                continue
            }
            let advertised = publicAddresses.first { $0.family == family } ?? (bind.isUnspecified ? nil : bind)
            guard let advertised else { continue }
            result.append(RelayAddress(bind: bind, advertised: advertised))
        }
        return result
    }

    /// What XOR-RELAYED-ADDRESS carries, one address per family that can relay.
    public var advertisedAddresses: [IPAddress] {
        relayAddresses.map(\.advertised)
    }

    /// Families that listen on a wildcard with no `relay.publicAddress`:
    /// TURN cannot relay for them. For `check-config` and a startup warning.
    public var relayAddressProblems: [String] {
        let usable = Set(relayAddresses.map(\.bind.family))
        return listenAddresses.compactMap { IPAddress($0) }
            .filter { $0.isUnspecified && !usable.contains($0.family) }
            .map { "relay listens on \($0) but relay.publicAddress has no \($0.family == .ipv4 ? "IPv4" : "IPv6") address to advertise" }
    }

    /// The TURN state machine's settings.
    func turnConfiguration() -> TURNConfiguration {
        let relays = relayAddresses
        var configuration = TURNConfiguration(
            realm: realm, secret: turnSecret ?? TURNSecret.unusable(), relayAddresses: relays)
        configuration.portRange = portRange
        configuration.maximumAllocationAge = maximumAllocationAge
        configuration.maximumAllocationsPerUser = maximumAllocationsPerUser
        configuration.maximumAllocations = maximumAllocations
        configuration.bandwidthLimit = bandwidthLimit
        configuration.maximumPermissionsPerAllocation = maximumPermissionsPerAllocation
        configuration.maximumChannelsPerAllocation = maximumChannelsPerAllocation
        var own = Set<IPAddress>()
        for relay in relays {
            own.insert(relay.advertised)
            if !relay.bind.isUnspecified { own.insert(relay.bind) }
        }
        configuration.peerPolicy = PeerPolicy(
            allowedNetworks: allowedPeerNetworks, allowLoopback: allowLoopbackPeers, relayAddresses: own,
            relayPorts: portRange)
        return configuration
    }
}

extension RelayConfiguration {
    var streamLimits: StreamLimits {
        StreamLimits(
            maximumPerAddress: maximumConnectionsPerAddress, maximum: maximumConnections,
            idleTimeout: idleConnectionTimeout)
    }
}

extension IPAddress {
    /// `0.0.0.0` or `::`: as a listen address, every address of the family (a wildcard).
    public var isUnspecified: Bool {
        switch self {
        case .v4(let v4): v4.value == 0
        case .v6(let v6): v6.high == 0 && v6.low == 0
        }
    }
}

extension TURNSecret {
    /// A random secret nobody knows: with it every TURN request fails
    /// authentication, which is what "no secret configured" must mean.
    static func unusable() -> TURNSecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return TURNSecret.derived(fromJWTSecret: bytes)
    }
}
