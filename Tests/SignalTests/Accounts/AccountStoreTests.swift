import Foundation
import Testing

@testable import Signal

/// Against a real SQLite file.
@Suite struct AccountStoreTests {
    @Test func createdAccountsSurviveReopening() async throws {
        let directory = temporaryDirectory()
        let created = try await AccountStore(directory: directory).create(username: "Alice@Example.com", passwordHash: "h1")
        let reopened = try AccountStore(directory: directory)
        let found = try #require(try await reopened.find(username: "alice@example.com"))
        #expect(found.extension == created.extension)
        #expect(found.username == "Alice@Example.com")
        #expect(FileManager.default.fileExists(atPath: directory + "/notrack.sqlite"))
    }

    @Test func usernamesAreUniqueWithoutRegardToCase() async throws {
        let store = try AccountStore(directory: temporaryDirectory())
        _ = try await store.create(username: "bob@example.com", passwordHash: "h")
        await #expect(throws: AccountError.usernameTaken) {
            try await store.create(username: "BOB@example.com", passwordHash: "h")
        }
    }

    @Test func everyAccountGetsItsOwnExtension() async throws {
        let store = try AccountStore(directory: temporaryDirectory())
        var seen = Set<ExtensionNumber>()
        for index in 0..<50 {
            seen.insert(try await store.create(username: "user\(index)@example.com", passwordHash: "h").extension)
        }
        #expect(seen.count == 50)
    }

    @Test func removedAccountsRetireTheirExtension() async throws {
        let store = try AccountStore(directory: temporaryDirectory())
        let account = try await store.create(username: "carol@example.com", passwordHash: "h")
        try await store.remove(username: "carol@example.com")
        #expect(try await store.find(username: "carol@example.com") == nil)
        let retired = try await store.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM retiredExtension WHERE extension = ?)", arguments: [account.extension.rawValue])
        }
        #expect(retired == true)
        await #expect(throws: AccountError.notFound) { try await store.remove(username: "carol@example.com") }
    }

    @Test func passwordsCanBeChanged() async throws {
        let store = try AccountStore(directory: temporaryDirectory())
        _ = try await store.create(username: "dan@example.com", passwordHash: "old")
        try await store.updatePassword(username: "DAN@example.com", passwordHash: "new")
        #expect(try await store.find(username: "dan@example.com")?.passwordHash == "new")
        await #expect(throws: AccountError.notFound) { try await store.updatePassword(username: "nobody@example.com", passwordHash: "x") }
    }

    @Test func guestReservationsHoldUntilExpiry() async throws {
        let store = try AccountStore(directory: temporaryDirectory())
        let now = Date()
        let guest = try await store.reserveGuestExtension(until: now.addingTimeInterval(60), now: now)
        let live = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM guestReservation") }
        #expect(live == 1)
        _ = try await store.reserveGuestExtension(until: now.addingTimeInterval(200), now: now.addingTimeInterval(120))
        let remaining = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT extension FROM guestReservation") }
        #expect(!remaining.contains(guest.rawValue), "an expired reservation is released")
        #expect(await store.isHealthy())
    }
}
