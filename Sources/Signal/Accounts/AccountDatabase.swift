import Foundation
import GRDB

/// The accounts database: one SQLite file in the data directory, opened as a GRDB
/// `DatabasePool` in WAL mode so reads never wait for a write, with versioned migrations.
enum AccountDatabase {
    static let fileName = "notrack.sqlite"

    static func open(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        return pool
    }

    /// Append-only: a shipped migration is never edited, only followed by a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: accounts and extension reservations") { db in
            try db.create(table: "account") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("username", .text).notNull()
                // Lowercased username: uniqueness without regard to case.
                table.column("usernameKey", .text).notNull().unique()
                table.column("passwordHash", .text).notNull()
                table.column("extension", .text).notNull().unique()
                table.column("createdAt", .datetime).notNull()
            }
            // Extensions handed to guests, held until their token expires.
            try db.create(table: "guestReservation") { table in
                table.primaryKey("extension", .text)
                table.column("expiresAt", .datetime).notNull().indexed()
            }
            // Extensions of removed accounts, never handed out again so a stale
            // contact entry cannot ring a stranger.
            try db.create(table: "retiredExtension") { table in
                table.primaryKey("extension", .text)
            }
        }
        // A token carries its account's generation; changing the password bumps it, so
        // tokens issued before stop working (docs/api-notes.md "Tokens").
        migrator.registerMigration("v2: token generation") { db in
            try db.alter(table: "account") { table in
                table.add(column: "tokenGeneration", .integer).notNull().defaults(to: 0)
            }
        }
        return migrator
    }
}
