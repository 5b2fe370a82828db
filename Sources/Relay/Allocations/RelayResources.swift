import Foundation
import Synchronization

/// What all shards of one relay share: relayed ports, EVEN-PORT
/// reservations and allocation quotas. A RESERVATION-TOKEN minted on one
/// shard is often redeemed on another (a TCP client's second connection
/// lands on any event loop), and quotas are per user across the box.
///
/// Touched only when an allocation starts or ends, never per packet, so one
/// `Mutex` is cheap; the per-packet state stays in each shard's `TURNServer`.
final class RelayResources: Sendable {
    /// A port held back by EVEN-PORT's R bit (RFC 8656 §7.2). It holds one of its
    /// user's quota slots until it is claimed, expires or its allocation ends.
    struct Reservation: Sendable {
        var family: AddressFamily
        var port: UInt16
        var expiresAt: Date
        var user: String
    }

    enum Admission: Hashable, Sendable {
        case admitted
        case userQuotaReached
        case capacityReached
    }

    fileprivate struct State {
        var pools: [AddressFamily: RelayPortPool]
        var reservations: [UInt64: Reservation] = [:]
        var perUser: [String: Int] = [:]
        var total = 0
    }

    private let state: Mutex<State>
    let maximumPerUser: Int
    let maximum: Int

    init(families: Set<AddressFamily>, portRange: ClosedRange<UInt16>, maximumPerUser: Int, maximum: Int) {
        var pools: [AddressFamily: RelayPortPool] = [:]
        for family in families { pools[family] = RelayPortPool(range: portRange) }
        self.state = Mutex(State(pools: pools))
        self.maximumPerUser = maximumPerUser
        self.maximum = maximum
    }

    convenience init(configuration: TURNConfiguration) {
        self.init(
            families: Set(configuration.relayAddresses.map(\.bind.family)), portRange: configuration.portRange,
            maximumPerUser: configuration.maximumAllocationsPerUser, maximum: configuration.maximumAllocations)
    }

    // MARK: Quotas (486 per user, 508 in total)

    /// Takes `slots` allocation slots for `user`: one per allocation, pending or live,
    /// and one per port it reserves.
    func admit(user: String, slots: Int = 1) -> Admission {
        state.withLock { state in
            guard state.perUser[user, default: 0] + slots <= maximumPerUser else { return .userQuotaReached }
            guard state.total + slots <= maximum else { return .capacityReached }
            state.perUser[user, default: 0] += slots
            state.total += slots
            return .admitted
        }
    }

    func release(user: String, slots: Int = 1) {
        state.withLock { $0.release(user: user, slots: slots) }
    }

    // MARK: Ports

    func takePort(family: AddressFamily, even: Bool, pair: Bool) -> UInt16? {
        state.withLock { $0.pools[family]?.takeRandom(even: even, pair: pair) }
    }

    func releasePort(family: AddressFamily, _ port: UInt16) {
        state.withLock { _ = $0.pools[family]?.release(port) }
    }

    func available(family: AddressFamily) -> Int {
        state.withLock { $0.pools[family]?.available ?? 0 }
    }

    // MARK: Reservations

    /// Records an already-taken port, and a quota slot `user` already holds for it,
    /// under a fresh unguessable token.
    func reserve(family: AddressFamily, port: UInt16, until expiresAt: Date, user: String) -> UInt64 {
        state.withLock { state in
            var token: UInt64
            repeat { token = UInt64.random(in: .min ... .max) } while state.reservations[token] != nil
            state.reservations[token] = Reservation(family: family, port: port, expiresAt: expiresAt, user: user)
            return token
        }
    }

    /// Hands a live reservation's port, once, to an allocation of `user`. The allocation
    /// takes over the reservation's quota slot when it is the same user's; another user
    /// needs a slot of their own (486/508 when there is none, the reservation stays).
    func claim(_ token: UInt64, by user: String, now: Date) -> Result<Reservation, ClaimRefusal> {
        state.withLock { state in
            guard let reservation = state.reservations[token], reservation.expiresAt > now else {
                return .failure(.noReservation)
            }
            if reservation.user != user {
                guard state.perUser[user, default: 0] < maximumPerUser else { return .failure(.userQuotaReached) }
                state.perUser[user, default: 0] += 1
                state.release(user: reservation.user, slots: 1)
            }
            state.reservations.removeValue(forKey: token)
            return .success(reservation)
        }
    }

    enum ClaimRefusal: Error, Hashable, Sendable {
        case noReservation
        case userQuotaReached
    }

    /// Frees a reservation's port and slot if it is still unclaimed and due.
    func expireReservation(_ token: UInt64, now: Date) {
        state.withLock { state in
            guard let reservation = state.reservations[token], reservation.expiresAt <= now else { return }
            state.cancel(token)
        }
    }

    /// Frees a reservation's port and slot if it is still unclaimed: its allocation ended.
    func cancelReservation(_ token: UInt64) {
        state.withLock { $0.cancel(token) }
    }
}

extension RelayResources.State {
    mutating func release(user: String, slots: Int) {
        guard let count = perUser[user] else { return }
        let freed = min(count, slots)
        perUser[user] = count > freed ? count - freed : nil
        total -= freed
    }

    mutating func cancel(_ token: UInt64) {
        guard let reservation = reservations.removeValue(forKey: token) else { return }
        pools[reservation.family]?.release(reservation.port)
        release(user: reservation.user, slots: 1)
    }
}
