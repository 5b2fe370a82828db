import Foundation

/// ChannelBind (RFC 8656 §11.2): bind or refresh a channel number to a peer,
/// which also installs or refreshes the peer's permission.
extension TURNServer {
    mutating func handleChannelBind(
        _ message: STUNMessage, from fiveTuple: FiveTuple, credentials: VerifiedCredentials, now: Date
    ) -> TURNAction {
        func refuse(_ error: STUNErrorCode) -> TURNAction {
            .reply(to: fiveTuple, bytes: errorResponse(to: message, error, credentials: credentials))
        }
        let allocation: Allocation
        switch existingAllocation(for: message, from: fiveTuple, credentials: credentials, now: now) {
        case .success(let existing): allocation = existing
        case .failure(let refusal): return .reply(to: fiveTuple, bytes: refusal.response)
        }
        guard case .channelNumber(let number)? = message.first(.channelNumber),
              case .xorPeerAddress(let peer)? = message.first(.xorPeerAddress),
              ChannelData.channelNumbers.contains(number)
        else { return refuse(.badRequest) }
        guard peer.family == allocation.family else { return refuse(.peerAddressFamilyMismatch) }
        guard configuration.peerPolicy.permits(peer) else { return refuse(.forbidden) }
        // Rebinding rules: a live channel keeps its peer, a peer keeps its channel.
        if let bound = allocation.peer(onChannel: number, now: now), bound != peer { return refuse(.badRequest) }
        if let bound = allocation.channel(for: peer, now: now), bound != number { return refuse(.badRequest) }

        let channelExpiry = now.addingTimeInterval(configuration.channelLifetime.seconds)
        let permissionExpiry = now.addingTimeInterval(configuration.permissionLifetime.seconds)
        let (channels, permissions) = (
            configuration.maximumChannelsPerAllocation, configuration.maximumPermissionsPerAllocation)
        let bound = allocations.modify(fiveTuple) { allocation in
            // A new peer needs a permission slot too; check both before changing either.
            guard allocation.hasRoom(forPermissions: [peer.ip], now: now, limit: permissions),
                  allocation.bind(number, to: peer, until: channelExpiry, now: now, limit: channels)
            else { return false }
            return allocation.permit([peer.ip], until: permissionExpiry, now: now, limit: permissions)
        }
        guard bound == true else { return refuse(.insufficientCapacity) }
        expiries.schedule(.channel(fiveTuple, number), at: channelExpiry)
        expiries.schedule(.permission(fiveTuple, peer.ip), at: permissionExpiry)
        return .reply(to: fiveTuple, bytes: successResponse(to: message, credentials: credentials, attributes: []))
    }
}
