import Relay
import Testing

@testable import Appliance

/// Settings that run but hurt an edge box are warned about, saying what to set.
@Suite struct OperatorTrapsTests {
    static func traps(
        development: Bool = false, defaulted: Bool = false, host: String = "0.0.0.0", proxies: [CIDR] = [],
        secretFile: String? = nil, configFile: String? = nil, inline: [ConfigurationKey] = [], modes: [String: Int] = [:]
    ) -> [ConfigurationProblem] {
        OperatorTraps(
            environment: .init(isDevelopment: development, isDefaulted: defaulted), httpHost: host, trustedProxies: proxies,
            secretFile: secretFile, configFile: configFile, inlineSecretKeys: inline, permissions: { modes[$0] }
        ).warnings
    }

    @Test func aLoopbackListenerInProductionWithoutTrustedProxies() throws {
        let warning = try #require(Self.traps(host: "127.0.0.1").first)
        #expect(warning.key == "http.trustedProxies")
        #expect(warning.message.contains("rate-limit bucket") && warning.message.contains("/metrics"))
        #expect(Self.traps(host: "127.0.0.1", proxies: [try CIDR("127.0.0.1")]).isEmpty)
        #expect(Self.traps(host: "0.0.0.0").isEmpty)
    }

    @Test func developmentNobodyChoseOnAnExposedListener() throws {
        let warning = try #require(Self.traps(development: true, defaulted: true, host: "0.0.0.0").first)
        #expect(warning.key == "environment")
        #expect(warning.message.contains("NOTRACK_ENVIRONMENT=production"))
        #expect(Self.traps(development: true, defaulted: true, host: "127.0.0.1").isEmpty)
        #expect(Self.traps(development: true, defaulted: false, host: "0.0.0.0").isEmpty)
    }

    @Test func secretsOthersCanRead() throws {
        let secret = try #require(Self.traps(secretFile: "/etc/notrack/secret", modes: ["/etc/notrack/secret": 0o644]).first)
        #expect(secret.key == "auth.jwtSecretFile" && secret.message.contains("chmod 0640"))
        #expect(Self.traps(secretFile: "/etc/notrack/secret", modes: ["/etc/notrack/secret": 0o640]).isEmpty)
        let inline = try #require(Self.traps(
            configFile: "/etc/notrack/notrack.yaml", inline: [.authJWTSecret], modes: ["/etc/notrack/notrack.yaml": 0o644]).first)
        #expect(inline.key == "auth.jwtSecret" && inline.message.contains("auth.jwtSecretFile"))
        #expect(Self.traps(configFile: "/etc/notrack/notrack.yaml", modes: ["/etc/notrack/notrack.yaml": 0o644]).isEmpty)
    }
}
