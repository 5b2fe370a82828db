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
            // A target refreshed since it was queued is queued again at its new deadline.
            switch target {
            case .allocation(let fiveTuple):
                guard let allocation = allocations[fiveTuple] else { continue }
                guard allocation.expiresAt <= now else {
                    expiries.schedule(target, at: allocation.expiresAt)
                    continue
                }
                removeAllocation(fiveTuple)
                actions.append(.closeRelay(allocation.relayed))
            case .permission(let fiveTuple, let peer):
                let later = allocations.modify(fiveTuple) { allocation -> Date? in
                    guard let expiry = allocation.permissions[peer] else { return nil }
                    guard expiry <= now else { return expiry }
                    allocation.permissions.removeValue(forKey: peer)
                    return nil
                }
                if let later = later ?? nil { expiries.schedule(target, at: later) }
            case .channel(let fiveTuple, let number):
                let later = allocations.modify(fiveTuple) { allocation -> Date? in
                    guard let binding = allocation.channels[number] else { return nil }
                    guard binding.expiresAt <= now else { return binding.expiresAt }
                    allocation.removeChannel(number)
                    return nil
                }
                if let later = later ?? nil { expiries.schedule(target, at: later) }
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
            resources.release(user: request.credentials.rest.user, slots: request.quotaSlots)
            return [.closeRelay(TransportAddress(ip: request.relay.bind, port: request.port))]
        }
        guard let allocation = allocations[fiveTuple] else { return [] }
        removeAllocation(fiveTuple)
        return [.closeRelay(allocation.relayed)]
    }

    /// Whether a 5-tuple has an allocation, live or waiting for its socket.
    func holdsAllocation(_ fiveTuple: FiveTuple) -> Bool {
        allocations[fiveTuple] != nil || pendingByFiveTuple[fiveTuple] != nil
    }

    /// Allocations currently held, for the `turn_allocations_active` gauge.
    var allocationCount: Int { allocations.count }
}
