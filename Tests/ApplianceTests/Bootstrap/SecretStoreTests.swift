import Foundation
import Testing

@testable import Appliance

@Suite struct SecretStoreTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("notrack-\(UUID().uuidString)/data/secret").path
    }

    @Test func generatedSecretIsPrivateAndStrong() throws {
        let path = temporaryPath()
        let secret = try SecretStore.generate(path: path)
        #expect(SecretStore.weakness(of: secret) == nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try SecretStore.read(path: path).get() == secret)
    }

    @Test func generationNeverOverwrites() throws {
        let path = temporaryPath()
        let first = try SecretStore.generate(path: path)
        #expect(throws: SecretStore.SecretError.self) { try SecretStore.generate(path: path) }
        #expect(try SecretStore.read(path: path).get() == first)
    }

    @Test func missingFileIsReportedAsMissing() {
        #expect(SecretStore.read(path: "/nonexistent/notrack/secret") == .failure(.missing))
    }
}
