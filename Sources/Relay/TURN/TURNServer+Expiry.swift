import Foundation

/// The sweep that ends lapsed allocations, permissions, channels and
/// reservations: one pass over the `ExpiryQueue`'s due entries.
extension TURNServer {
    /// Call whenever `nextDeadline` passes (or on a coarse tick); returns the
    /// relay sockets to close.
    mutating func expire(now: Date) -> [TURNAction] {
        responses.evict(now: now)
        var actions: [TURNAction] = []
        while let (target, _) = expiries.popDue(now: now) {
            switch target {
            case .allocation(let fiveTuple):
                // A refreshed allocation has a later deadline: this entry is stale.
                guard let allocation = allocations[fiveTuple], allocation.expiresAt <= now else { continue }
                removeAllocation(fiveTuple)
                actions.append(.closeRelay(allocation.relayed))
            case .permission(let fiveTuple, let peer):
                allocations.modify(fiveTuple) { allocation in
                    if let expiry = allocation.permissions[peer], expiry <= now {
                        allocation.permissions.removeValue(forKey: peer)
                    }
                }
            case .channel(let fiveTuple, let number):
                allocations.modify(fiveTuple) { allocation in
                    if let binding = allocation.channels[number], binding.expiresAt <= now {
                        allocation.removeChannel(number)
                    }
                }
            case .reservation(let token):
                resources.expireReservation(token, now: now)
            }
        }
        return actions
    }

    /// A TCP or TLS client connection closed: its allocation goes with it
    /// (RFC 8656 §7: the 5-tuple no longer exists).
    mutating func connectionClosed(_ fiveTuple: FiveTuple) -> [TURNAction] {
        if let id = pendingByFiveTuple.removeValue(forKey: fiveTuple), let request = pending.removeValue(forKey: id) {
            let family = request.relay.bind.family
            resources.releasePort(family: family, request.port)
            if request.reservedNextPort { resources.releasePort(family: family, request.port + 1) }
            resources.release(user: request.credentials.rest.user)
            return [.closeRelay(TransportAddress(ip: request.relay.bind, port: request.port))]
        }
        guard let allocation = allocations[fiveTuple] else { return [] }
        removeAllocation(fiveTuple)
        return [.closeRelay(allocation.relayed)]
    }

    /// Allocations currently held, for the `turn_allocations_active` gauge.
    var allocationCount: Int { allocations.count }
}
