import Foundation

/// Who is online on this node: one live session per extension (the newest wins), with
/// each session's token expiry so a token that dies ends its session.
struct PresenceRegistry: Sendable {
    struct Session: Sendable, Equatable {
        var socketID: String
        var expiresAt: Date
    }

    private(set) var sessions: [ExtensionNumber: Session] = [:]

    /// Registers `socketID` for `number`; returns the session it replaces, if any.
    mutating func register(_ number: ExtensionNumber, socketID: String, expiresAt: Date) -> Session? {
        let previous = sessions[number]
        sessions[number] = Session(socketID: socketID, expiresAt: expiresAt)
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

    var count: Int { sessions.count }
}
