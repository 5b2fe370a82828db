import Foundation

/// Who is online on this node: one live session per extension (the newest wins), with
/// each session's token expiry so a token that dies ends its session.
struct PresenceRegistry: Sendable {
    struct Session: Sendable, Equatable {
        var socketID: String
        var expiresAt: Date
        /// The account the session's token was issued for, and its token generation (nil: a guest).
        var account: Account? = nil
    }

    struct Account: Sendable, Equatable {
        var id: Int64
        var generation: Int
    }

    private(set) var sessions: [ExtensionNumber: Session] = [:]

    /// Registers `socketID` for `number`; returns the session it replaces, if any.
    mutating func register(_ number: ExtensionNumber, socketID: String, expiresAt: Date, account: Account? = nil) -> Session? {
        let previous = sessions[number]
        sessions[number] = Session(socketID: socketID, expiresAt: expiresAt, account: account)
        return previous?.socketID == socketID ? nil : previous
    }

    /// Forgets the session if `socketID` is still the live one; returns whether it was (a
    /// replaced session's late disconnect must not take its successor offline).
    mutating func unregister(_ number: ExtensionNumber, socketID: String) -> Bool {
        guard sessions[number]?.socketID == socketID else { return false }
        sessions[number] = nil
        return true
    }

    func socketID(of number: ExtensionNumber) -> String? {
        sessions[number]?.socketID
    }

    /// Sessions whose token has expired by `now`.
    func expired(at now: Date) -> [(ExtensionNumber, Session)] {
        sessions.filter { $0.value.expiresAt <= now }.map { ($0.key, $0.value) }
    }

    /// Sessions whose account was removed or had its password changed since their token.
    func revoked(isCurrent: (Account) -> Bool) -> [(ExtensionNumber, Session)] {
        sessions.filter { $0.value.account.map(isCurrent) == false }.map { ($0.key, $0.value) }
    }

    var count: Int { sessions.count }
}
