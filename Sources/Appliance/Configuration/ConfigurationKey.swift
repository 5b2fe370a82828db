/// One key of the appliance's configuration: its dotted name in `notrack.yaml`, its short
/// environment alias from the original Node service, and how it is read.
///
/// Every key is also read from `NOTRACK_<SECTION>_<KEY>` (camelCase to SNAKE_CASE,
/// `relay.publicAddress` → `NOTRACK_RELAY_PUBLIC_ADDRESS`), see `ConfigurationSources`.
struct ConfigurationKey: Hashable, Sendable, CustomStringConvertible {
    let name: String
    let alias: String?
    let isList: Bool
    let isSecret: Bool

    init(_ name: String, alias: String? = nil, isList: Bool = false, isSecret: Bool = false) {
        self.name = name
        self.alias = alias
        self.isList = isList
        self.isSecret = isSecret
    }

    var description: String { name }
    var components: [String] { name.split(separator: ".").map(String.init) }
}

extension ConfigurationKey {
    static let environment = Self("environment", alias: "NODE_ENV")
    static let dataDir = Self("dataDir")
    static let httpHost = Self("http.host", alias: "HOST")
    static let httpPort = Self("http.port", alias: "PORT")
    static let authJWTSecret = Self("auth.jwtSecret", alias: "JWT_SECRET", isSecret: true)
    static let authJWTSecretFile = Self("auth.jwtSecretFile")
    static let authGuestAccess = Self("auth.guestAccess", alias: "GUEST_ACCESS")
    static let relayEnabled = Self("relay.enabled")
    static let relayPort = Self("relay.port")
    static let relayListenAddresses = Self("relay.listenAddresses", isList: true)
    static let logLevel = Self("log.level", alias: "LOG_LEVEL")
    static let logFormat = Self("log.format")
    static let metricsAllowFrom = Self("metrics.allowFrom", isList: true)

    /// Every key, in the order `check-config` prints them and `etc/notrack.yaml` documents them.
    static let all: [Self] = [
        .environment, .dataDir, .httpHost, .httpPort,
        .authJWTSecret, .authJWTSecretFile, .authGuestAccess,
        .relayEnabled, .relayPort, .relayListenAddresses,
        .logLevel, .logFormat, .metricsAllowFrom,
    ]
}
