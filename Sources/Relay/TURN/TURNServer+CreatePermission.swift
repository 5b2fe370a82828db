import Foundation

/// CreatePermission (RFC 8656 §9.2): install or refresh permissions for one
/// or more peer IP addresses, all or none.
extension TURNServer {
    mutating func handleCreatePermission(
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
        let peers = message.attributes.compactMap { attribute -> TransportAddress? in
            if case .xorPeerAddress(let peer) = attribute { return peer }
            return nil
        }
        guard !peers.isEmpty else { return refuse(.badRequest) }
        // More peers than an allocation may hold cannot succeed: refused before any work.
        guard peers.count <= configuration.maximumPermissionsPerAllocation else { return refuse(.insufficientCapacity) }
        guard peers.allSatisfy({ $0.family == allocation.family }) else { return refuse(.peerAddressFamilyMismatch) }
        guard peers.allSatisfy({ configuration.peerPolicy.permits($0) }) else { return refuse(.forbidden) }
        let expiresAt = now.addingTimeInterval(configuration.permissionLifetime.seconds)
        let addresses = Set(peers.map(\.ip))
        let limit = configuration.maximumPermissionsPerAllocation
        guard allocations.modify(fiveTuple, { $0.permit(addresses, until: expiresAt, now: now, limit: limit) }) == true else {
            return refuse(.insufficientCapacity)
        }
        for peer in addresses {
            expiries.schedule(.permission(fiveTuple, peer), at: expiresAt)
        }
        return .reply(to: fiveTuple, bytes: successResponse(to: message, credentials: credentials, attributes: []))
    }
}
