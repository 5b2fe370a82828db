import ArgumentParser
import Foundation
import Relay

/// `notrack turn-secret`: the TURN REST secret derived from the JWT secret, for an
/// external TURN server (coturn's `static-auth-secret`).
struct TURNSecretCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turn-secret",
        abstract: "Print the TURN REST secret (coturn static-auth-secret) derived from the JWT secret.",
        discussion: """
            The TURN secret is derived with HKDF-SHA256, so a TURN server that knows it cannot mint \
            login tokens. When relay.authSecret is set, that secret is printed instead.

            Example:
              notrack turn-secret --config /etc/notrack/notrack.yaml
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        print(try TURNSecretSource.secret(for: try options.loadOrExit()).value)
    }
}

/// `notrack turn-credentials --user EXT [--ttl 1h]`: one TURN REST username/credential
/// pair as JSON, for testing a TURN client by hand.
struct TURNCredentialsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turn-credentials",
        abstract: "Print a time-limited TURN username and credential as JSON.",
        discussion: """
            Example:
              notrack turn-credentials --user 123-456 --ttl 1h
              turnutils_uclient -u "$(notrack turn-credentials --user 123-456 | jq -r .username)" ...
            """
    )

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Who the credential is for (an extension, or any name without ':').") var user: String
    @Option(help: "How long it stays valid: 90s, 15m, 1h, 1d.") var ttl: String = "1h"

    func validate() throws {
        guard !user.isEmpty, !user.contains(":") else { throw ValidationError("--user must be non-empty and contain no ':'") }
        if case .failure(let failure) = Parse.duration(ttl) { throw ValidationError("--ttl \(failure.message)") }
    }

    func run() async throws {
        let configuration = try options.loadOrExit()
        let lifetime = try Parse.duration(ttl).get()
        let minted = TURNCredentialMinter(secret: try TURNSecretSource.secret(for: configuration))
            .mint(user: user, ttl: lifetime, now: Date())
        let body: [String: Any] = [
            "username": minted.username,
            "credential": minted.credential,
            "ttl": Int(lifetime.components.seconds),
            "expiresAt": minted.expiry.formatted(Date.ISO8601FormatStyle()),
        ]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// The TURN secret from the configuration: `relay.authSecret`, or derived from the JWT secret.
enum TURNSecretSource {
    static func secret(for configuration: ApplianceConfiguration, jwtSecret: String) -> TURNSecret {
        configuration.relayAuthSecret.map(TURNSecret.init) ?? TURNSecret.derived(fromJWTSecret: Array(jwtSecret.utf8))
    }

    /// The same, for commands that run before `serve` may have generated the secret.
    static func secret(for configuration: ApplianceConfiguration) throws -> TURNSecret {
        switch configuration.secret {
        case .loaded(let secret, _):
            return Self.secret(for: configuration, jwtSecret: secret)
        case .generate where configuration.relayAuthSecret != nil:
            return Self.secret(for: configuration, jwtSecret: "")
        case .generate(let path):
            throw CommandFailure("no secret yet: \(path) is created when `notrack serve` first starts (development)")
        }
    }
}
