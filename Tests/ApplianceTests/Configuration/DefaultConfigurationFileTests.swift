import Foundation
import Testing

@testable import Appliance

/// `etc/notrack.yaml` is the shipped production file: it must parse, set every key, and
/// name every key's environment variable in its comments.
@Suite struct DefaultConfigurationFileTests {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("etc/notrack.yaml").path

    @Test func documentsEveryKeyAndItsEnvironmentVariable() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let file = try ConfigurationFile.parse(text, path: Self.path, knownKeys: Set(ConfigurationKey.all.map(\.name))).get()
        for key in ConfigurationKey.all {
            let leaf = try #require(key.components.last)
            #expect(text.contains("\(leaf):"), "etc/notrack.yaml does not document \(key)")
            #expect(text.contains(ConfigurationSources.notrackName(for: key)), "etc/notrack.yaml does not name the variable of \(key)")
            if let alias = key.alias { #expect(text.contains(alias), "etc/notrack.yaml does not name \(alias)") }
        }
        #expect(file.values["environment"] == .scalar("production"))
    }

    @Test func isAValidProductionConfigurationOnceTheSecretExists() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let file = try ConfigurationFile.parse(text, path: Self.path, knownKeys: Set(ConfigurationKey.all.map(\.name))).get()
        let sources = ConfigurationSources(
            environment: ["JWT_SECRET": String(repeating: "z", count: 48), "NOTRACK_RELAY_PUBLIC_ADDRESS": "203.0.113.10"], file: file)
        // The file names /etc/notrack/secret; the inline secret stands in for it here.
        var withoutFile = sources
        withoutFile.file = ConfigurationFile(path: file.path, values: file.values.filter { $0.key != "auth.jwtSecretFile" })
        let configuration = try ConfigurationLoader(sources: withoutFile).load().get()
        #expect(configuration.environment == .production)
        #expect(configuration.httpHost == "0.0.0.0")
        #expect(configuration.assetsDirectory == "/usr/share/notrack")
        #expect(configuration.relay.port == 3478)
        #expect(configuration.metricsAllowFrom.count == 6)
    }
}
