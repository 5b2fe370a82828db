import Testing

@testable import Appliance

/// Flags > NOTRACK_* environment > short aliases > file > defaults (DESIGN.md, "Operator interface").
@Suite struct ConfigurationPrecedenceTests {
    func file(_ yaml: String) throws -> ConfigurationFile {
        try ConfigurationFile.parse(yaml, path: "test.yaml", knownKeys: Set(ConfigurationKey.all.map(\.name))).get()
    }

    func load(_ sources: ConfigurationSources) throws -> ApplianceConfiguration {
        try ConfigurationLoader(sources: sources, workingDirectory: "/tmp").load().get()
    }

    let secret = ["JWT_SECRET": String(repeating: "s", count: 40)]

    @Test func defaultsApplyWhenNothingIsSet() throws {
        let configuration = try load(.init(environment: secret))
        #expect(configuration.httpPort == 3000)
        #expect(configuration.environment == .development)
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.dataDirectory == "/tmp/.notrack-data")
        #expect(configuration.assetsDirectory == "/tmp/.notrack-assets")
    }

    @Test func fileBeatsDefault() throws {
        let configuration = try load(.init(environment: secret, file: file("environment: development\nhttp:\n  port: 4000\n")))
        #expect(configuration.httpPort == 4000)
        #expect(configuration.report.first { $0.key == "http.port" }?.origin == .file("test.yaml"))
    }

    @Test func aliasBeatsFile() throws {
        var environment = secret
        environment["PORT"] = "5000"
        let configuration = try load(.init(environment: environment, file: file("environment: development\nhttp:\n  port: 4000\n")))
        #expect(configuration.httpPort == 5000)
    }

    @Test func notrackVariableBeatsAlias() throws {
        var environment = secret
        environment["PORT"] = "5000"
        environment["NOTRACK_HTTP_PORT"] = "6000"
        let configuration = try load(.init(environment: environment, file: file("environment: development\nhttp:\n  port: 4000\n")))
        #expect(configuration.httpPort == 6000)
        #expect(configuration.report.first { $0.key == "http.port" }?.origin == .environment("NOTRACK_HTTP_PORT"))
    }

    @Test func flagBeatsEverything() throws {
        var environment = secret
        environment["PORT"] = "5000"
        environment["NOTRACK_HTTP_PORT"] = "6000"
        var sources = ConfigurationSources(environment: environment, file: try file("environment: development\nhttp:\n  port: 4000\n"))
        sources.flags[.httpPort] = .init(value: "7000", name: "--port")
        let configuration = try load(sources)
        #expect(configuration.httpPort == 7000)
        #expect(configuration.report.first { $0.key == "http.port" }?.origin == .flag("--port"))
    }

    @Test func emptyEnvironmentValueCountsAsUnset() throws {
        var environment = secret
        environment["PORT"] = ""
        #expect(try load(.init(environment: environment)).httpPort == 3000)
    }

    @Test func aConfigFileMeansProductionUnlessSaidOtherwise() throws {
        var environment = secret
        environment["NOTRACK_DATA_DIR"] = "/tmp/notrack-test"
        environment["NOTRACK_RELAY_PUBLIC_ADDRESS"] = "203.0.113.10"
        let configuration = try load(.init(environment: environment, file: file("http:\n  port: 3000\n")))
        #expect(configuration.environment == .production)
        #expect(configuration.httpHost == "0.0.0.0")
        #expect(configuration.relay.listenAddresses == ["0.0.0.0"])
    }

    @Test func nodeEnvIsAcceptedForTheEnvironment() throws {
        var environment = secret
        environment["NODE_ENV"] = "production"
        environment["NOTRACK_RELAY_PUBLIC_ADDRESS"] = "203.0.113.10"
        #expect(try load(.init(environment: environment)).environment == .production)
    }

    @Test(arguments: [
        (ConfigurationKey.relayListenAddresses, "NOTRACK_RELAY_LISTEN_ADDRESSES"),
        (ConfigurationKey.authJWTSecretFile, "NOTRACK_AUTH_JWT_SECRET_FILE"),
        (ConfigurationKey.dataDir, "NOTRACK_DATA_DIR"),
        (ConfigurationKey.metricsAllowFrom, "NOTRACK_METRICS_ALLOW_FROM"),
    ])
    func environmentNamesAreSnakeCaseWithPrefix(key: ConfigurationKey, name: String) {
        #expect(ConfigurationSources.notrackName(for: key) == name)
    }

    @Test func listsComeFromCommaSeparatedVariablesOrYAMLSequences() throws {
        var environment = secret
        environment["NOTRACK_METRICS_ALLOW_FROM"] = "10.0.0.0/8, 192.0.2.1"
        #expect(try load(.init(environment: environment)).metricsAllowFrom.map(\.description) == ["10.0.0.0/8", "192.0.2.1/32"])
        let fromFile = try load(.init(environment: secret, file: file("environment: development\nmetrics:\n  allowFrom:\n    - 127.0.0.1/32\n    - ::1\n")))
        #expect(fromFile.metricsAllowFrom.map(\.description) == ["127.0.0.1/32", "::1/128"])
    }

    @Test func allocationBandwidthCapsByDefaultAndZeroLiftsIt() throws {
        #expect(try load(.init(environment: secret)).relay.bandwidthLimit == 1_250_000)
        var environment = secret
        environment["NOTRACK_RELAY_MAX_ALLOCATION_BANDWIDTH"] = "0"
        #expect(try load(.init(environment: environment)).relay.bandwidthLimit == nil)
        environment["NOTRACK_RELAY_MAX_ALLOCATION_BANDWIDTH"] = "64000"
        #expect(try load(.init(environment: environment)).relay.bandwidthLimit == 64_000)
    }

    @Test func secretsAreRedactedInTheReport() throws {
        let configuration = try load(.init(environment: secret))
        let line = try #require(configuration.report.first { $0.key == "auth.jwtSecret" })
        #expect(line.value == "<redacted, 40 bytes>")
        #expect(!ConfigurationReport.render(configuration.report).contains(String(repeating: "s", count: 40)))
    }
}
