import Foundation
import GRDB

/// Accounts and extension reservations in SQLite. Every method is one transaction, so two
/// registrations can never receive the same extension or username.
public struct AccountStore: Sendable {
    let pool: DatabasePool

    /// Opens (creating and migrating when needed) `notrack.sqlite` in `directory`.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.pool = try AccountDatabase.open(path: directory + "/" + AccountDatabase.fileName)
    }

    public func create(username: String, passwordHash: String, now: Date = Date()) async throws -> Account {
        try await pool.write { db in
            let key = Self.key(username)
            if try Row.fetchOne(db, sql: "SELECT 1 FROM account WHERE usernameKey = ?", arguments: [key]) != nil {
                throw AccountError.usernameTaken
            }
            let number = try Self.freeExtension(db, now: now)
            try db.execute(
                sql: "INSERT INTO account (username, usernameKey, passwordHash, extension, createdAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [username, key, passwordHash, number.rawValue, now])
            return Account(id: db.lastInsertedRowID, username: username, passwordHash: passwordHash, extension: number, createdAt: now)
        }
    }

    public func find(username: String) async throws -> Account? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE usernameKey = ?", arguments: [Self.key(username)])
                .flatMap(Self.account)
        }
    }

    public func list() async throws -> [Account] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY createdAt, id").compactMap(Self.account)
        }
    }

    /// Removes the account and retires its extension for good.
    public func remove(username: String) async throws {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT extension FROM account WHERE usernameKey = ?", arguments: [Self.key(username)]),
                let number: String = row["extension"]
            else { throw AccountError.notFound }
            try db.execute(sql: "DELETE FROM account WHERE usernameKey = ?", arguments: [Self.key(username)])
            try db.execute(sql: "INSERT OR IGNORE INTO retiredExtension (extension) VALUES (?)", arguments: [number])
        }
    }

    /// Sets a new password hash and ends every token issued before (a new generation).
    public func updatePassword(username: String, passwordHash: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE account SET passwordHash = ?, tokenGeneration = tokenGeneration + 1 WHERE usernameKey = ?",
                arguments: [passwordHash, Self.key(username)])
            if db.changesCount == 0 { throw AccountError.notFound }
        }
    }

    /// Every account's token generation by id: what tokens must carry to stay valid.
    public func tokenGenerations() async throws -> [Int64: Int] {
        try await pool.read { db in
            var generations: [Int64: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, tokenGeneration FROM account") {
                generations[row["id"]] = row["tokenGeneration"]
            }
            return generations
        }
    }

    /// One account's token generation; nil once the account is removed.
    public func tokenGeneration(id: Int64) async throws -> Int? {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT tokenGeneration FROM account WHERE id = ?", arguments: [id])
        }
    }

    /// Reserves a free extension for a guest until `expiresAt` (when the guest's token dies).
    public func reserveGuestExtension(until expiresAt: Date, now: Date = Date()) async throws -> ExtensionNumber {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM guestReservation WHERE expiresAt <= ?", arguments: [now])
            let number = try Self.freeExtension(db, now: now)
            try db.execute(sql: "INSERT INTO guestReservation (extension, expiresAt) VALUES (?, ?)", arguments: [number.rawValue, expiresAt])
            return number
        }
    }

    /// Whether the database answers; the readiness probe's `database` check.
    public func isHealthy() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// A random extension no account, live guest or retired account holds. Random rather
    /// than sequential, so extensions do not reveal how many users there are.
    private static func freeExtension(_ db: Database, now: Date) throws -> ExtensionNumber {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<64 {
            let candidate = ExtensionNumber.random(using: &generator)
            let taken = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM account WHERE extension = :e)
                        OR EXISTS (SELECT 1 FROM guestReservation WHERE extension = :e AND expiresAt > :now)
                        OR EXISTS (SELECT 1 FROM retiredExtension WHERE extension = :e)
                    """,
                arguments: ["e": candidate.rawValue, "now": now]) ?? true
            if !taken { return candidate }
        }
        throw AccountError.noFreeExtension
    }

    static func key(_ username: String) -> String {
        username.lowercased()
    }

    private static func account(_ row: Row) -> Account? {
        guard let number = ExtensionNumber(row["extension"]) else { return nil }
        return Account(
            id: row["id"], username: row["username"], passwordHash: row["passwordHash"], extension: number,
            createdAt: row["createdAt"], tokenGeneration: row["tokenGeneration"])
    }
}
