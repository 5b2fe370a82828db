import Foundation

/// Where a ChannelData frame from a client goes (RFC 8656 §12.6).
enum ChannelDataRoute: Hashable, Sendable {
    /// Send the frame's payload from the relayed address to the peer; set
    /// the IP DF bit if the Allocate asked for DONT-FRAGMENT (RFC 8656 §7.2).
    case toPeer(from: TransportAddress, to: TransportAddress, dontFragment: Bool)
    case drop(DropReason)
}

/// Where a datagram arriving on a relayed address goes (RFC 8656 §10.3, §12.7).
enum PeerDataRoute: Hashable, Sendable {
    /// Frame the payload as ChannelData on this channel (padded on streams).
    case channelData(to: FiveTuple, channel: UInt16)
    /// No channel: wrap it in a Data indication (`TURNServer.dataIndication`).
    case dataIndication(to: FiveTuple)
    case drop(DropReason)
}

/// The per-packet paths. They decide from addresses and lengths only, so an
/// adapter can forward a payload without copying it into the core; they do
/// not allocate.
extension TURNServer {
    mutating func routeChannelData(
        channel: UInt16, length: Int, from fiveTuple: FiveTuple, now: Date
    ) -> ChannelDataRoute {
        let route: ChannelDataRoute = allocations.modify(fiveTuple) { allocation -> ChannelDataRoute in
            guard allocation.expiresAt > now else { return .drop(.noAllocation) }
            guard let peer = allocation.peer(onChannel: channel, now: now) else { return .drop(.noChannel) }
            guard allocation.hasPermission(for: peer.ip, now: now) else { return .drop(.noPermission) }
            if allocation.bandwidth != nil, allocation.bandwidth?.consume(length, now: now) == false {
                return .drop(.bandwidthExceeded)
            }
            return .toPeer(from: allocation.relayed, to: peer, dontFragment: allocation.dontFragment)
        } ?? .drop(.noAllocation)
        count(route: route, length: length)
        return route
    }

    /// The checks of a Send indication: allocation, family, permission, policy, budget.
    /// The policy is asked again because a permission is for an IP while the policy
    /// also judges the port: the relay's own address only on relayed ports.
    mutating func admitFromClient(
        _ fiveTuple: FiveTuple, peer: TransportAddress, length: Int, now: Date
    ) -> Result<Allocation, DropReason> {
        let policy = configuration.peerPolicy
        let result = allocations.modify(fiveTuple) { allocation -> Result<Allocation, DropReason> in
            guard allocation.expiresAt > now else { return .failure(.noAllocation) }
            guard peer.family == allocation.family else { return .failure(.peerFamilyMismatch) }
            guard allocation.hasPermission(for: peer.ip, now: now) else { return .failure(.noPermission) }
            guard policy.permits(peer) else { return .failure(.forbiddenPeer) }
            if allocation.bandwidth != nil, allocation.bandwidth?.consume(length, now: now) == false {
                return .failure(.bandwidthExceeded)
            }
            return .success(allocation)
        }
        return result ?? .failure(.noAllocation)
    }

    /// RFC 8656 §10.3: data from a peer is relayed only if a permission for
    /// its IP exists; a bound channel is preferred to a Data indication.
    mutating func routePeerData(
        from peer: TransportAddress, to relayed: TransportAddress, length: Int, now: Date
    ) -> PeerDataRoute {
        let route = decidePeerRoute(from: peer, to: relayed, length: length, now: now)
        switch route {
        case .channelData, .dataIndication:
            statistics.peerToClientPackets += 1
            statistics.peerToClientBytes += length
        case .drop(let reason):
            statistics.recordDrop(reason)
        }
        return route
    }

    private mutating func decidePeerRoute(
        from peer: TransportAddress, to relayed: TransportAddress, length: Int, now: Date
    ) -> PeerDataRoute {
        guard let fiveTuple = allocations.fiveTuple(relayedAt: relayed) else { return .drop(.noAllocation) }
        let route = allocations.modify(fiveTuple) { allocation -> PeerDataRoute in
            guard allocation.expiresAt > now else { return .drop(.noAllocation) }
            guard allocation.hasPermission(for: peer.ip, now: now) else { return .drop(.noPermission) }
            if allocation.bandwidth != nil, allocation.bandwidth?.consume(length, now: now) == false {
                return .drop(.bandwidthExceeded)
            }
            if let channel = allocation.channel(for: peer, now: now) {
                return .channelData(to: fiveTuple, channel: channel)
            }
            return .dataIndication(to: fiveTuple)
        }
        return route ?? .drop(.noAllocation)
    }

    private mutating func count(route: ChannelDataRoute, length: Int) {
        switch route {
        case .toPeer:
            statistics.clientToPeerPackets += 1
            statistics.clientToPeerBytes += length
        case .drop(let reason):
            statistics.recordDrop(reason)
        }
    }

    /// A Data indication (RFC 8656 §10.3) carrying a peer's datagram.
    static func dataIndication(from peer: TransportAddress, payload: [UInt8]) -> [UInt8] {
        STUNMessage(
            type: STUNMessageType(method: .data, messageClass: .indication),
            transactionID: .random(),
            attributes: [.xorPeerAddress(peer), .data(payload)]
        ).encode()
    }
}
