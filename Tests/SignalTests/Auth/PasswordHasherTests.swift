import Testing

@testable import Signal

@Suite struct PasswordHasherTests {
    /// The decoy must be a hash bcrypt accepts at the configured cost, or verifying against
    /// it would return at once and the answer time would reveal unknown usernames.
    @Test(arguments: [UInt8(4), 12, 16])
    func decoyHashHasTheShapeOfARealHashAtTheSameCost(cost: UInt8) async throws {
        let decoy = PasswordHasher(cost: cost).decoyHash
        let real = try await PasswordHasher(cost: 4).hash("any password")
        #expect(decoy.count == real.count)
        #expect(decoy.hasPrefix("$2b$" + (cost < 10 ? "0" : "") + "\(cost)$"))
        #expect(real.hasPrefix("$2b$04$"))
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        #expect(decoy.dropFirst(7).allSatisfy(alphabet.contains))
    }

    @Test func hashesVerifyTheirPasswordOnly() async throws {
        let hasher = PasswordHasher(cost: 4)
        let hash = try await hasher.hash("CorrectHorse1")
        #expect(try await hasher.verify("CorrectHorse1", hash: hash))
        #expect(try await !hasher.verify("WrongHorse1", hash: hash))
        #expect(try await !hasher.verify("CorrectHorse1", hash: hasher.decoyHash))
    }
}
