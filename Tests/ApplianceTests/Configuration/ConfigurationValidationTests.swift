import Foundation
import Testing

@testable import Appliance

/// Every validation error names its key and says what to change.
@Suite struct ConfigurationValidationTests {
    let secret = ["JWT_SECRET": String(repeating: "s", count: 40)]

    func problems(environment: [String: String] = [:], yaml: String? = nil) -> [ConfigurationProblem] {
        var sources = ConfigurationSources(environment: secret.merging(environment) { _, new in new })
        if let yaml {
            switch ConfigurationFile.parse(yaml, path: "test.yaml", knownKeys: Set(ConfigurationKey.all.map(\.name))) {
            case .success(let file): sources.file = file
            case .failure(let problems): return problems.problems
            }
        }
        switch ConfigurationLoader(sources: sources, workingDirectory: "/tmp").load() {
        case .success: return []
        case .failure(let problems): return problems.problems
        }
    }

    @Test(arguments: [
        ("PORT", "70000", "http.port", "1 to 65535"),
        ("PORT", "http", "http.port", "1 to 65535"),
        ("NOTRACK_RELAY_PORT", "-1", "relay.port", "1 to 65535"),
        ("HOST", "not a host!", "http.host", "IP address"),
        ("NOTRACK_ENVIRONMENT", "staging", "environment", "development, production"),
        ("GUEST_ACCESS", "maybe", "auth.guestAccess", "true or false"),
        ("NOTRACK_RELAY_ENABLED", "yes please", "relay.enabled", "true or false"),
        ("LOG_LEVEL", "loud", "log.level", "one of trace"),
        ("NOTRACK_LOG_FORMAT", "xml", "log.format", "auto, json, text"),
        ("NOTRACK_METRICS_ALLOW_FROM", "10.0.0.0/33", "metrics.allowFrom", "not a valid prefix length"),
        ("NOTRACK_RELAY_LISTEN_ADDRESSES", "eth0", "relay.listenAddresses", "IPv4 or IPv6"),
        ("JWT_SECRET", "short", "auth.jwtSecret", "at least 32"),
    ])
    func badValueNamesKeyAndFix(variable: String, value: String, key: String, fix: String) throws {
        let found = problems(environment: [variable: value])
        let problem = try #require(found.first { $0.key == key }, "no problem for \(key) in \(found)")
        #expect(problem.message.contains(fix), "\(problem)")
        #expect(problem.message.contains(variable), "the problem names where the value came from: \(problem)")
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems(environment: ["PORT": "x", "LOG_LEVEL": "loud", "GUEST_ACCESS": "?"])
        #expect(Set(found.map(\.key)) == ["http.port", "log.level", "auth.guestAccess"])
    }

    @Test func secretIsNotEchoedInProblems() throws {
        let found = problems(environment: ["JWT_SECRET": "tiny-secret"])
        #expect(!found.description.contains("tiny-secret"))
    }

    @Test func productionRefusesToRunWithoutASecret() throws {
        var sources = ConfigurationSources(environment: ["NOTRACK_ENVIRONMENT": "production", "NOTRACK_AUTH_JWT_SECRET_FILE": "/nonexistent/secret"])
        sources.flags = [:]
        let result = ConfigurationLoader(sources: sources, workingDirectory: "/tmp").load()
        guard case .failure(let problems) = result else { Issue.record("production started without a secret"); return }
        let problem = try #require(problems.problems.first { $0.key == "auth.jwtSecretFile" })
        #expect(problem.message.contains("does not exist"))
        #expect(problem.message.contains("never generates"))
    }

    @Test func developmentPlansToGenerateASecret() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        let configuration = try ConfigurationLoader(sources: .init(environment: ["NOTRACK_DATA_DIR": directory]), workingDirectory: "/tmp").load().get()
        #expect(configuration.secret == .generate(path: directory + "/secret"))
    }

    @Test func secretFileThatIsTooShortIsAProblem() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        try "short\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let found = problems(environment: ["JWT_SECRET": "", "NOTRACK_AUTH_JWT_SECRET_FILE": path])
        #expect(found.first { $0.key == "auth.jwtSecretFile" }?.message.contains("5 bytes") == true)
    }

    @Test func secretFromFileIsTrimmed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        let secret = String(repeating: "k", count: 48)
        try (secret + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try ConfigurationLoader(
            sources: .init(environment: ["NOTRACK_AUTH_JWT_SECRET_FILE": path]), workingDirectory: "/tmp"
        ).load().get()
        #expect(configuration.secret == .loaded(secret: secret, origin: "file \(path)"))
    }

    @Test func secretInlineAndFileTogetherIsAProblem() {
        let found = problems(environment: ["NOTRACK_AUTH_JWT_SECRET_FILE": "/etc/hostname"])
        #expect(found.contains { $0.key == "auth.jwtSecret" && $0.message.contains("keep only one") })
    }

    @Test(arguments: [("NOTRACK_RELAY_PORT_RANGE", "65535-49152", "relay.portRange"), ("NOTRACK_RELAY_PORT_RANGE", "80-90", "relay.portRange"),
                      ("NOTRACK_RELAY_ALLOWED_PEERS", "192.168.1.1/24", "relay.allowedPeers"), ("NOTRACK_RELAY_MAX_ALLOCATION_AGE", "forever", "relay.maxAllocationAge"),
                      ("NOTRACK_RELAY_MAX_ALLOCATION_BANDWIDTH", "-5", "relay.maxAllocationBandwidth"),
                      ("NOTRACK_RELAY_MAX_ALLOCATION_BANDWIDTH", "10 Mbit", "relay.maxAllocationBandwidth"),
                      ("NOTRACK_RELAY_MAX_PERMISSIONS_PER_ALLOCATION", "0", "relay.maxPermissionsPerAllocation"),
                      ("NOTRACK_RELAY_MAX_CHANNELS_PER_ALLOCATION", "many", "relay.maxChannelsPerAllocation"),
                      ("NOTRACK_RELAY_MAX_CONNECTIONS_PER_ADDRESS", "-1", "relay.maxConnectionsPerAddress"),
                      ("NOTRACK_RELAY_MAX_CONNECTIONS", "1.5", "relay.maxConnections"),
                      ("NOTRACK_RELAY_IDLE_CONNECTION_TIMEOUT", "5", "relay.idleConnectionTimeout")])
    func relayValuesAreValidated(variable: String, value: String, key: String) {
        #expect(problems(environment: [variable: value]).contains { $0.key == key })
    }

    @Test func relayAndHTTPCannotShareAPort() {
        let found = problems(environment: ["PORT": "3478"])
        #expect(found.contains { $0.key == "relay.port" && $0.message.contains("http.port") })
    }

    @Test func unknownFileKeySuggestsTheNearestKnownKey() throws {
        let found = problems(yaml: "relay:\n  prot: 3479\n")
        let problem = try #require(found.first)
        #expect(problem.key == "relay.prot")
        #expect(problem.message.contains("did you mean 'relay.port'"))
    }

    @Test func invalidYAMLIsReportedWithThePath() throws {
        let found = problems(yaml: "http:\n  port: [3000\n")
        #expect(found.first?.key == "test.yaml")
        #expect(found.first?.message.contains("not valid YAML") == true)
    }

    @Test func topLevelMustBeAMapping() {
        #expect(problems(yaml: "- a\n- b\n").first?.message.contains("mapping") == true)
    }

    @Test func aListWhereOneValueBelongsIsAProblem() {
        let found = problems(yaml: "http:\n  port:\n    - 1\n    - 2\n")
        #expect(found.contains { $0.key == "http.port" && $0.message.contains("single value") })
    }

    @Test func emptyFileValuesCountAsUnset() throws {
        let file = try ConfigurationFile.parse("relay:\n  port:\nlog:\n  level: ~\n", path: "t", knownKeys: ["relay.port", "log.level"]).get()
        #expect(file.values.isEmpty)
    }
}
