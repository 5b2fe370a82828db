import Foundation

/// A relay address of one family: where relay sockets bind, and what
/// XOR-RELAYED-ADDRESS advertises (`relay.publicAddress` behind 1:1 NAT).
struct RelayAddress: Hashable, Sendable {
    var bind: IPAddress
    var advertised: IPAddress

    init(bind: IPAddress, advertised: IPAddress? = nil) {
        self.bind = bind
        self.advertised = advertised ?? bind
    }
}

/// Settings of the TURN state machine, filled from `RelayConfiguration` by
/// the relay server. Defaults are RFC 8656's (§3.2, §9, §12).
struct TURNConfiguration: Sendable {
    var realm: String
    var secret: TURNSecret
    /// At most one per family: IPv4 and/or IPv6 relaying (RFC 6156).
    var relayAddresses: [RelayAddress]
    var portRange: ClosedRange<UInt16> = 49152...65535
    var defaultLifetime: Duration = .seconds(600)
    var maximumLifetime: Duration = .seconds(3600)
    var permissionLifetime: Duration = .seconds(300)
    var channelLifetime: Duration = .seconds(600)
    /// How long RESERVATION-TOKEN keeps the odd port (RFC 8656 §7.2: ~30 s).
    var reservationLifetime: Duration = .seconds(30)
    /// After its REST username expires, an allocation may keep refreshing
    /// until it is this old; past it, refreshes get 401 and it lapses.
    var maximumAllocationAge: Duration = .seconds(12 * 3600)
    var maximumAllocationsPerUser = 10
    var maximumAllocations = 10_000
    /// Relayed bytes per second per allocation, both directions together; nil = unlimited.
    var bandwidthLimit: Int?
    /// Live permissions and channels one allocation may hold (508 beyond): a browser's
    /// call needs a few, and each costs the shard memory and an expiry entry.
    var maximumPermissionsPerAllocation = 64
    var maximumChannelsPerAllocation = 64
    /// Requests per second an allocation's 5-tuple may send once it has spent its burst;
    /// the rest are dropped unanswered before authentication. A call's ICE set-up sends
    /// a few dozen at once (a CreatePermission and a ChannelBind per remote candidate).
    var allocationRequestRate = 16
    var allocationRequestBurst = 64
    var peerPolicy = PeerPolicy()
    var nonceValidity: Duration = .seconds(600)
    /// How long an answered request's response is kept for retransmissions
    /// (RFC 8489 §6.3: 40 s covers Ti = 39.5 s).
    var responseCacheLifetime: Duration = .seconds(40)
    var responseCacheCapacity = 10_000

    init(realm: String, secret: TURNSecret, relayAddresses: [RelayAddress]) {
        self.realm = realm
        self.secret = secret
        self.relayAddresses = relayAddresses
    }

    func relayAddress(for family: AddressFamily) -> RelayAddress? {
        relayAddresses.first { $0.bind.family == family }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
