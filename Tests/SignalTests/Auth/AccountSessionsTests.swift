import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

/// A token stands for its account only while the account exists with the token generation
/// the token carries (`notrack users remove|passwd` change them from another process).
@Suite struct AccountSessionsTests {
    @Test func aPasswordChangeStartsANewTokenGeneration() async throws {
        let store = try AccountStore(directory: temporaryDirectory())
        let account = try await store.create(username: "carol@example.com", passwordHash: "h1")
        #expect(account.tokenGeneration == 0)
        try await store.updatePassword(username: "carol@example.com", passwordHash: "h2")
        #expect(try await store.tokenGeneration(id: account.id) == 1)
        #expect(try await store.find(username: "carol@example.com")?.tokenGeneration == 1)
        #expect(try await store.tokenGenerations() == [account.id: 1])
        try await store.remove(username: "carol@example.com")
        #expect(try await store.tokenGeneration(id: account.id) == nil)
    }

    @Test func aVersion1DatabaseGainsTheColumnAndKeepsItsAccounts() async throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + AccountDatabase.fileName
        do {
            let old = try DatabaseQueue(path: path)
            try AccountDatabase.migrator.migrate(old, upTo: "v1: accounts and extension reservations")
            try await old.write { db in
                try db.execute(sql: """
                    INSERT INTO account (username, usernameKey, passwordHash, extension, createdAt)
                    VALUES ('dave@example.com', 'dave@example.com', 'h', '123-456', '2026-01-01')
                    """)
            }
        }
        let store = try AccountStore(directory: directory)
        #expect(try await store.find(username: "dave@example.com")?.tokenGeneration == 0)
    }

    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func turnCredentialsNeedATokenOfTheCurrentGeneration() async throws {
        let services = try await makeServices()
        let signal = try await makeSignal(services: services)
        let account = try await services.accounts.create(username: "erin@example.com", passwordHash: "h")
        let (current, _) = try await services.authenticator.issue(
            extension: account.extension, subject: "user:\(account.id)", generation: 0)
        let (legacy, _) = try await services.authenticator.issue(extension: account.extension, subject: "user:\(account.id)")
        let (guest, _) = try await services.authenticator.issue(extension: ExtensionNumber("222-333")!, subject: "guest:222-333")
        try await testRouter(signal) { client in
            for token in [current, legacy, guest] {
                try await client.execute(uri: "/api/turn/credentials", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .ok)
                }
            }
            try await services.accounts.updatePassword(username: "erin@example.com", passwordHash: "h2")
            await signal.sessions.refresh()
            for token in [current, legacy] {
                try await client.execute(uri: "/api/turn/credentials", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body).contains("password changed"))
                }
            }
            let (renewed, _) = try await services.authenticator.issue(
                extension: account.extension, subject: "user:\(account.id)", generation: 1)
            try await client.execute(uri: "/api/turn/credentials", method: .get, headers: bearer(renewed)) { response in
                #expect(response.status == .ok)
            }
            try await services.accounts.remove(username: "erin@example.com")
            await signal.sessions.refresh()
            try await client.execute(uri: "/api/turn/credentials", method: .get, headers: bearer(renewed)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/turn/credentials", method: .get, headers: bearer(guest)) { response in
                #expect(response.status == .ok, "guests have no account to lose")
            }
        }
    }

    @Test func presenceFindsTheSessionsOfRevokedAccounts() {
        var presence = PresenceRegistry()
        let far = Date.distantFuture
        _ = presence.register(ExtensionNumber("111-111")!, socketID: "a", expiresAt: far, account: .init(id: 1, generation: 0))
        _ = presence.register(ExtensionNumber("222-222")!, socketID: "b", expiresAt: far, account: .init(id: 2, generation: 3))
        _ = presence.register(ExtensionNumber("333-333")!, socketID: "c", expiresAt: far)
        let current: [Int64: Int] = [2: 3]
        let revoked = presence.revoked { current[$0.id] == $0.generation }
        #expect(revoked.map(\.1.socketID) == ["a"])
    }
}
