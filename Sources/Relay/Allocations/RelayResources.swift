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
    /// A port held back by EVEN-PORT's R bit (RFC 8656 §7.2).
    struct Reservation: Sendable {
        var family: AddressFamily
        var port: UInt16
        var expiresAt: Date
    }

    enum Admission: Hashable, Sendable {
        case admitted
        case userQuotaReached
        case capacityReached
    }

    private struct State {
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

    /// Takes an allocation slot for `user`, pending or live.
    func admit(user: String) -> Admission {
        state.withLock { state in
            guard state.perUser[user, default: 0] < maximumPerUser else { return .userQuotaReached }
            guard state.total < maximum else { return .capacityReached }
            state.perUser[user, default: 0] += 1
            state.total += 1
            return .admitted
        }
    }

    func release(user: String) {
        state.withLock { state in
            guard let count = state.perUser[user] else { return }
            state.perUser[user] = count > 1 ? count - 1 : nil
            state.total -= 1
        }
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

    /// Records an already-taken port under a fresh unguessable token.
    func reserve(family: AddressFamily, port: UInt16, until expiresAt: Date) -> UInt64 {
        state.withLock { state in
            var token: UInt64
            repeat { token = UInt64.random(in: .min ... .max) } while state.reservations[token] != nil
            state.reservations[token] = Reservation(family: family, port: port, expiresAt: expiresAt)
            return token
        }
    }

    /// Hands over a live reservation's port, once.
    func redeem(_ token: UInt64, now: Date) -> Reservation? {
        state.withLock { state in
            guard let reservation = state.reservations.removeValue(forKey: token) else { return nil }
            guard reservation.expiresAt > now else {
                state.pools[reservation.family]?.release(reservation.port)
                return nil
            }
            return reservation
        }
    }

    /// Frees a reservation's port if it is still unclaimed and due.
    func expireReservation(_ token: UInt64, now: Date) {
        state.withLock { state in
            guard let reservation = state.reservations[token], reservation.expiresAt <= now else { return }
            state.reservations.removeValue(forKey: token)
            state.pools[reservation.family]?.release(reservation.port)
        }
    }
}
