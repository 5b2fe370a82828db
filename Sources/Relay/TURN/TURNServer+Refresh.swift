import Foundation

/// Refresh (RFC 8656 §8.2): extend an allocation, or delete it with LIFETIME 0.
extension TURNServer {
    mutating func handleRefresh(
        _ message: STUNMessage, from fiveTuple: FiveTuple, credentials: VerifiedCredentials, now: Date
    ) -> [TURNAction] {
        let deleting: Bool
        if case .lifetime(0)? = message.first(.lifetime) { deleting = true } else { deleting = false }
        let allocation: Allocation
        if deleting, let existing = allocations[fiveTuple], existing.username == credentials.username {
            // Ending an allocation is always allowed, even past its age limit.
            allocation = existing
        } else {
            switch existingAllocation(for: message, from: fiveTuple, credentials: credentials, now: now) {
            case .success(let existing): allocation = existing
            case .failure(let refusal): return [.reply(to: fiveTuple, bytes: refusal.response)]
            }
        }
        if case .requestedAddressFamily(let raw)? = message.first(.requestedAddressFamily),
           raw != allocation.family.rawValue {
            return [.reply(to: fiveTuple, bytes: errorResponse(
                to: message, .peerAddressFamilyMismatch, credentials: credentials))]
        }
        if deleting {
            removeAllocation(fiveTuple)
            return [
                .reply(to: fiveTuple, bytes: successResponse(to: message, credentials: credentials, attributes: [.lifetime(0)])),
                .closeRelay(allocation.relayed),
            ]
        }
        let lifetime = cappedLifetime(grantedLifetime(message), for: allocation, credentials: credentials, now: now)
        let expiresAt = now.addingTimeInterval(lifetime.seconds)
        allocations.modify(fiveTuple) { $0.expiresAt = expiresAt }
        expiries.schedule(.allocation(fiveTuple), at: expiresAt)
        return [.reply(to: fiveTuple, bytes: successResponse(
            to: message, credentials: credentials, attributes: [.lifetime(UInt32(clamping: lifetime.components.seconds))]))]
    }

    /// Deletes an allocation and frees its port and quota slot; the caller closes the socket.
    mutating func removeAllocation(_ fiveTuple: FiveTuple) {
        guard let allocation = allocations.remove(fiveTuple) else { return }
        resources.releasePort(family: allocation.family, allocation.relayed.port)
        resources.release(user: allocation.user)
        // Its EVEN-PORT reservation, if still unclaimed, goes with it (port and slot).
        if let token = allocation.reservation { resources.cancelReservation(token) }
    }
}
