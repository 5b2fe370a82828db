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
    static let httpAllowedOrigins = Self("http.allowedOrigins", alias: "ALLOWED_ORIGINS", isList: true)
    static let httpTrustedProxies = Self("http.trustedProxies", isList: true)
    static let httpMaxBodySize = Self("http.maxBodySize")
    static let httpAssetsDir = Self("http.assetsDir")
    static let httpHeaderTimeout = Self("http.headerTimeout")
    static let httpIdleTimeout = Self("http.idleTimeout")
    static let httpMaxConnectionsPerAddress = Self("http.maxConnectionsPerAddress")
    static let httpMaxConnections = Self("http.maxConnections")
    static let authJWTSecret = Self("auth.jwtSecret", alias: "JWT_SECRET", isSecret: true)
    static let authJWTSecretFile = Self("auth.jwtSecretFile")
    static let authGuestAccess = Self("auth.guestAccess", alias: "GUEST_ACCESS")
    static let authRegistration = Self("auth.registration")
    static let authTokenLifetime = Self("auth.tokenLifetime")
    static let authBcryptCost = Self("auth.bcryptCost")
    static let rateLimitAuthMax = Self("rateLimit.authMax")
    static let rateLimitAuthWindow = Self("rateLimit.authWindow")
    static let rateLimitAPIMax = Self("rateLimit.apiMax")
    static let rateLimitAPIWindow = Self("rateLimit.apiWindow")
    static let rateLimitSocketEventsMax = Self("rateLimit.socketEventsMax")
    static let rateLimitSocketEventsWindow = Self("rateLimit.socketEventsWindow")
    static let rateLimitSocketConnectsMax = Self("rateLimit.socketConnectsMax")
    static let rateLimitSocketConnectsWindow = Self("rateLimit.socketConnectsWindow")
    static let realtimePingInterval = Self("realtime.pingInterval")
    static let realtimePingTimeout = Self("realtime.pingTimeout")
    static let realtimeMaxPayload = Self("realtime.maxPayload")
    static let realtimeConnectTimeout = Self("realtime.connectTimeout")
    static let callsRingTimeout = Self("calls.ringTimeout")
    static let relayEnabled = Self("relay.enabled")
    static let relayPort = Self("relay.port")
    static let relayListenAddresses = Self("relay.listenAddresses", isList: true)
    static let relayPublicAddress = Self("relay.publicAddress")
    static let relayCredentialTTL = Self("relay.credentialTTL")
    static let relayAuthSecret = Self("relay.authSecret", isSecret: true)
    static let relayRealm = Self("relay.realm")
    static let relayPortRange = Self("relay.portRange")
    static let relayAllowedPeers = Self("relay.allowedPeers", isList: true)
    static let relayAllowLoopbackPeers = Self("relay.allowLoopbackPeers")
    static let relayMaxAllocationAge = Self("relay.maxAllocationAge")
    static let relayMaxAllocationsPerUser = Self("relay.maxAllocationsPerUser")
    static let relayMaxAllocations = Self("relay.maxAllocations")
    static let relayMaxAllocationBandwidth = Self("relay.maxAllocationBandwidth")
    static let relayMaxPermissionsPerAllocation = Self("relay.maxPermissionsPerAllocation")
    static let relayMaxChannelsPerAllocation = Self("relay.maxChannelsPerAllocation")
    static let relayMaxConnectionsPerAddress = Self("relay.maxConnectionsPerAddress")
    static let relayMaxConnections = Self("relay.maxConnections")
    static let relayIdleConnectionTimeout = Self("relay.idleConnectionTimeout")
    static let logLevel = Self("log.level", alias: "LOG_LEVEL")
    static let logFormat = Self("log.format")
    static let metricsAllowFrom = Self("metrics.allowFrom", isList: true)

    /// Every key, in the order `check-config` prints them and `etc/notrack.yaml` documents them.
    static let all: [Self] = [
        .environment, .dataDir, .httpHost, .httpPort, .httpAssetsDir, .httpAllowedOrigins, .httpTrustedProxies, .httpMaxBodySize,
        .httpHeaderTimeout, .httpIdleTimeout, .httpMaxConnectionsPerAddress, .httpMaxConnections,
        .authJWTSecret, .authJWTSecretFile, .authGuestAccess, .authRegistration, .authTokenLifetime, .authBcryptCost,
        .rateLimitAuthMax, .rateLimitAuthWindow, .rateLimitAPIMax, .rateLimitAPIWindow,
        .rateLimitSocketEventsMax, .rateLimitSocketEventsWindow, .rateLimitSocketConnectsMax, .rateLimitSocketConnectsWindow,
        .realtimePingInterval, .realtimePingTimeout, .realtimeMaxPayload, .realtimeConnectTimeout, .callsRingTimeout,
        .relayEnabled, .relayPort, .relayListenAddresses, .relayPublicAddress, .relayCredentialTTL, .relayAuthSecret,
        .relayRealm, .relayPortRange, .relayAllowedPeers, .relayAllowLoopbackPeers, .relayMaxAllocationAge,
        .relayMaxAllocationsPerUser, .relayMaxAllocations, .relayMaxAllocationBandwidth,
        .relayMaxPermissionsPerAllocation, .relayMaxChannelsPerAllocation, .relayMaxConnectionsPerAddress,
        .relayMaxConnections, .relayIdleConnectionTimeout,
        .logLevel, .logFormat, .metricsAllowFrom,
    ]
}
