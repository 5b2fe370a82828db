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

    mutating func removeChannel(_ number: UInt16) {
        guard let binding = channels.removeValue(forKey: number) else { return }
        channelsByPeer.removeValue(forKey: binding.peer)
    }
}
