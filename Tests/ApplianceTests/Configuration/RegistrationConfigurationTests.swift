import Testing

@testable import Appliance

/// `auth.registration`: open for a developer, closed on a production box until the
/// operator opens it.
@Suite struct RegistrationConfigurationTests {
    let secret = ["JWT_SECRET": String(repeating: "s", count: 40)]
    /// So a production configuration needs no detected relay address.
    let production = ["NOTRACK_ENVIRONMENT": "production", "NOTRACK_RELAY_PUBLIC_ADDRESS": "203.0.113.10"]

    func load(_ environment: [String: String], yaml: String? = nil) -> Result<ApplianceConfiguration, ConfigurationProblems> {
        var sources = ConfigurationSources(environment: secret.merging(environment) { _, new in new })
        if let yaml {
            sources.file = try? ConfigurationFile.parse(yaml, path: "test.yaml", knownKeys: Set(ConfigurationKey.all.map(\.name))).get()
        }
        return ConfigurationLoader(sources: sources, workingDirectory: "/tmp").load()
    }

    @Test func developmentIsOpenAndProductionClosed() throws {
        #expect(try load([:]).get().registration == .open)
        let closed = try load(production).get()
        #expect(closed.registration == .closed)
        #expect(closed.report.first { $0.key == "auth.registration" }?.value == "closed")
    }

    @Test func theEnvironmentAndTheFileOpenOrCloseIt() throws {
        var environment = production
        environment["NOTRACK_AUTH_REGISTRATION"] = "open"
        #expect(try load(environment).get().registration == .open)
        #expect(try load(["NOTRACK_AUTH_REGISTRATION": "closed"]).get().registration == .closed)
        let file = "environment: production\nauth:\n  registration: open\n"
        #expect(try load(["NOTRACK_RELAY_PUBLIC_ADDRESS": "203.0.113.10"], yaml: file).get().registration == .open)
    }

    @Test func aBadValueSaysWhatIsValid() throws {
        guard case .failure(let problems) = load(["NOTRACK_AUTH_REGISTRATION": "invite-only"]) else {
            Issue.record("an unknown registration mode was accepted")
            return
        }
        let problem = try #require(problems.problems.first { $0.key == "auth.registration" })
        #expect(problem.message.contains("open, closed") && problem.message.contains("NOTRACK_AUTH_REGISTRATION"))
    }
}
