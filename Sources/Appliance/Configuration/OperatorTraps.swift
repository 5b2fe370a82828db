import Foundation
import Relay

/// Settings that run but quietly hurt an edge box, each turned into a warning that says
/// what happens and what to set (`check-config` prints them, `serve` logs them).
struct OperatorTraps {
    var environment: DeploymentEnvironmentChoice
    var httpHost: String
    var trustedProxies: [CIDR]
    /// The JWT secret file in use, if the secret comes from one.
    var secretFile: String?
    /// The configuration file, and the secret keys set inline in it.
    var configFile: String?
    var inlineSecretKeys: [ConfigurationKey]
    /// A file's permission bits; nil when it cannot be read.
    var permissions: (String) -> Int?

    struct DeploymentEnvironmentChoice {
        var isDevelopment: Bool
        /// Chosen by nobody: no configuration file and no `NOTRACK_ENVIRONMENT`.
        var isDefaulted: Bool
    }

    var warnings: [ConfigurationProblem] {
        [proxyWithoutTrust, developmentByDefault, readableSecretFile, readableConfigFileWithSecret].compactMap { $0 }
    }

    /// A reverse proxy on this box forwards to a loopback listener: without trusting it,
    /// every client is 127.0.0.1, shares one rate-limit bucket and may read /metrics.
    private var proxyWithoutTrust: ConfigurationProblem? {
        guard !environment.isDevelopment, trustedProxies.isEmpty, Self.isLoopback(httpHost) else { return nil }
        return .init(
            key: ConfigurationKey.httpTrustedProxies.name,
            message: "is empty while http.host is \(httpHost): if a reverse proxy on this box forwards to it, every client looks like \(httpHost), shares one rate-limit bucket and is not told apart in logs. Set http.trustedProxies: [127.0.0.1] (NOTRACK_HTTP_TRUSTED_PROXIES); /metrics then judges the forwarded client, and refuses proxied requests until then")
    }

    private var developmentByDefault: ConfigurationProblem? {
        guard environment.isDevelopment, environment.isDefaulted, !Self.isLoopback(httpHost) else { return nil }
        return .init(
            key: ConfigurationKey.environment.name,
            message: "is development because no configuration file was found and NOTRACK_ENVIRONMENT is unset, while the API listens on \(httpHost): errors carry stack traces and a generated secret is used. Set NOTRACK_ENVIRONMENT=production for real users, or NOTRACK_ENVIRONMENT=development to keep this on purpose")
    }

    private var readableSecretFile: ConfigurationProblem? {
        guard let secretFile, let mode = permissions(secretFile), mode & 0o004 != 0 else { return nil }
        return .init(
            key: ConfigurationKey.authJWTSecretFile.name,
            message: "\(secretFile) can be read by every user of this machine (mode \(String(mode & 0o777, radix: 8))); whoever reads it can sign tokens for any user. Run: chmod 0640 \(secretFile)")
    }

    private var readableConfigFileWithSecret: ConfigurationProblem? {
        guard let configFile, let key = inlineSecretKeys.first, let mode = permissions(configFile), mode & 0o004 != 0 else {
            return nil
        }
        return .init(
            key: key.name,
            message: "is set in \(configFile), which every user of this machine can read (mode \(String(mode & 0o777, radix: 8))). Run: chmod 0640 \(configFile), or move the secret to a file of its own (auth.jwtSecretFile)")
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        return IPAddress(host).map { PeerAddressCategory.of($0) == .loopback } ?? false
    }

    /// The permission bits of the file at `path`.
    static func permissions(of path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }
}
