import Logging
import Relay
import Signal

/// The appliance's whole configuration after layering and validation: every value typed,
/// every default decided. Built only by `ConfigurationLoader`.
struct ApplianceConfiguration: Sendable {
    /// Where the JWT secret (and through it the TURN secret) comes from.
    enum SecretSource: Equatable, Sendable {
        /// Read and checked: the secret itself and a description of where it was found.
        case loaded(secret: String, origin: String)
        /// Development only: no secret yet; `serve` generates one at this path (mode 0600).
        case generate(path: String)
    }

    /// `log.format`: `auto` writes text to a terminal and JSON lines otherwise (systemd, files).
    enum LogFormat: String, CaseIterable, Sendable {
        case auto, json, text
    }

    var environment: DeploymentEnvironment
    /// The YAML file that was read, `nil` when running on defaults and environment alone.
    var configFile: String?
    /// Absolute path of the data directory (SQLite, the development secret).
    var dataDirectory: String
    var httpHost: String
    var httpPort: Int
    var allowedOrigins: [String]
    var trustedProxies: [CIDR]
    var maxBodyBytes: Int
    var httpConnections: HTTPConnectionLimits
    /// Absolute path of the static files served over HTTP (Swagger UI in its `swagger-ui` folder).
    var assetsDirectory: String
    var secret: SecretSource
    var guestAccess: Bool
    /// `auth.registration`: `open` in development, `closed` in production.
    var registration: SignalConfiguration.Registration
    var tokenLifetime: Duration
    var bcryptCost: Int
    var authRateLimit: RateLimit
    var apiRateLimit: RateLimit
    var engineIO: EngineIOConfiguration
    var calls: CallSignaling.Configuration
    var relayEnabled: Bool
    var relay: RelayConfiguration
    /// The relay's address as clients reach it (`relay.publicAddress`), for a box behind 1:1 NAT.
    var relayPublicAddress: String?
    var relayCredentialTTL: Duration
    /// The TURN REST secret: derived from the JWT secret unless `relay.authSecret` is set.
    var relayAuthSecret: String?
    var logLevel: Logger.Level
    var logFormat: LogFormat
    var metricsAllowFrom: [CIDR]
    /// Every key's effective value (secrets redacted) and origin, for `check-config` and the start-up log.
    var report: [ConfigurationReport.Entry]
    /// Settings that work but deserve the operator's attention (a private relay address …):
    /// `check-config` prints them, `serve` logs them.
    var warnings: [ConfigurationProblem]
}

extension ApplianceConfiguration {
    /// The ports the appliance listens on, by key (0 means any free port).
    var listenerPorts: [(key: String, port: Int)] {
        [(ConfigurationKey.httpPort.name, httpPort)] + (relayEnabled ? [(ConfigurationKey.relayPort.name, relay.port)] : [])
    }

    /// Listener ports below 1024: binding them needs `CAP_NET_BIND_SERVICE`, which the Debian
    /// package's service is granted only then (docs/packaging.md, "Ports below 1024").
    var privilegedPorts: [(key: String, port: Int)] {
        listenerPorts.filter { (1..<1024).contains($0.port) }
    }
}
