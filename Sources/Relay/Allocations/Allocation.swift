import Foundation

/// A channel binding (RFC 8656 §12): a number standing for a peer.
struct ChannelBinding: Hashable, Sendable {
    var peer: TransportAddress
    var expiresAt: Date
}

/// One TURN allocation (RFC 8656 §2.2, §5): the relayed transport address
/// handed to a client, with its permissions and channel bindings.
struct Allocation: Sendable {
    let fiveTuple: FiveTuple
    /// The local address the relay socket is bound to.
    let relayed: TransportAddress
    /// What XOR-RELAYED-ADDRESS says: `relay.publicAddress` behind 1:1 NAT.
    let advertised: TransportAddress
    /// The USERNAME that created it; later requests must use the same (441).
    let username: String
    /// The REST user part, counted for the per-user quota.
    let user: String
    /// When the REST username stops opening new allocations.
    let credentialExpiry: Date
    let createdAt: Date
    var expiresAt: Date
    var dontFragment: Bool
    /// Installed permissions by peer IP (RFC 8656 §9: ports are ignored).
    var permissions: [IPAddress: Date] = [:]
    var channels: [UInt16: ChannelBinding] = [:]
    var channelsByPeer: [TransportAddress: UInt16] = [:]
    var bandwidth: TokenBucket?
    /// Requests this allocation's 5-tuple may still send: bounds what an authenticated
    /// client can make the relay compute and store (docs/relay.md "Security").
    var requests: TokenBucket
    /// The RESERVATION-TOKEN its EVEN-PORT request minted: freed with it if unclaimed.
    var reservation: UInt64?

    var family: AddressFamily { relayed.family }

    func hasPermission(for peer: IPAddress, now: Date) -> Bool {
        guard let expiry = permissions[peer] else { return false }
        return expiry > now
    }

    /// The bound channel for a peer, if still live.
    func channel(for peer: TransportAddress, now: Date) -> UInt16? {
        guard let number = channelsByPeer[peer], let binding = channels[number], binding.expiresAt > now else {
            return nil
        }
        return number
    }

    /// The peer of a live channel.
    func peer(onChannel number: UInt16, now: Date) -> TransportAddress? {
        guard let binding = channels[number], binding.expiresAt > now else { return nil }
        return binding.peer
    }

    /// Whether permissions for `peers` fit beside the live ones within `limit` (refreshing
    /// a live permission always does).
    func hasRoom(forPermissions peers: Set<IPAddress>, now: Date, limit: Int) -> Bool {
        let live = permissions.filter { $0.value > now }
        return live.count + peers.filter { live[$0] == nil }.count <= limit
    }

    /// Installs or refreshes permissions for `peers`, all or none: `false` when the new
    /// ones would take the allocation past `limit` live permissions (RFC 8656 §9.2: 508).
    mutating func permit(_ peers: Set<IPAddress>, until expiresAt: Date, now: Date, limit: Int) -> Bool {
        guard hasRoom(forPermissions: peers, now: now, limit: limit) else { return false }
        permissions = permissions.filter { $0.value > now }
        for peer in peers { permissions[peer] = expiresAt }
        return true
    }

    /// Binds or refreshes `number` to `peer`; `false` when a new binding would take the
    /// allocation past `limit` live channels (RFC 8656 §11.2: 508). The caller checked
    /// the rebinding rules.
    mutating func bind(_ number: UInt16, to peer: TransportAddress, until expiresAt: Date, now: Date, limit: Int) -> Bool {
        for (stale, binding) in channels where binding.expiresAt <= now { removeChannel(stale) }
        guard channels[number] != nil || channels.count < limit else { return false }
        channels[number] = ChannelBinding(peer: peer, expiresAt: expiresAt)
        channelsByPeer[peer] = number
        return true
    }

    mutating func removeChannel(_ number: UInt16) {
        guard let binding = channels.removeValue(forKey: number) else { return }
        channelsByPeer.removeValue(forKey: binding.peer)
    }
}
