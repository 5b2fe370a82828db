import Foundation
import Synchronization

/// Whether a registered user's token still stands for an account: `notrack users remove`
/// deletes the account and `notrack users passwd` bumps its token generation, from another
/// process, so the server keeps a snapshot of every account's generation and reads it again
/// when it is older than `maximumAge`. A token is current while its account exists with the
/// generation it carries; guests' tokens have no account and live until they expire.
public final class AccountSessions: Sendable {
    private struct Snapshot {
        var generations: [Int64: Int] = [:]
        var takenAt: ContinuousClock.Instant?
    }

    private let accounts: AccountStore
    private let snapshot = Mutex(Snapshot())
    let maximumAge: Duration

    public init(accounts: AccountStore, maximumAge: Duration = .seconds(5)) {
        self.accounts = accounts
        self.maximumAge = maximumAge
    }

    /// Checks a token's account, reading the database when the snapshot is old or does not
    /// know the account yet (registered since). A database that cannot be read fails closed.
    func isCurrent(_ claims: SessionClaims) async -> Bool {
        guard let (id, generation) = claims.account else { return true }
        let known = snapshot.withLock { snapshot -> Int?? in
            guard let takenAt = snapshot.takenAt, ContinuousClock.now - takenAt < maximumAge else { return .none }
            return .some(snapshot.generations[id])
        }
        if case .some(.some(let current)) = known { return current == generation }
        guard let current = try? await accounts.tokenGeneration(id: id) else { return false }
        snapshot.withLock { $0.generations[id] = current }
        return current == generation
    }

    /// Reads every account's generation (the sweep of live sessions calls it).
    func refresh() async {
        guard let generations = try? await accounts.tokenGenerations() else { return }
        snapshot.withLock { $0 = Snapshot(generations: generations, takenAt: .now) }
    }

    /// Whether a session's account is current by the last snapshot.
    func isCurrent(account id: Int64, generation: Int) -> Bool {
        snapshot.withLock { $0.generations[id] == generation }
    }
}
