import Foundation
import Logging
import Relay
import Signal

/// Layers the sources, applies the defaults of the chosen environment and validates every
/// key, collecting all problems instead of stopping at the first.
struct ConfigurationLoader {
    var sources: ConfigurationSources
    /// Where relative paths (the development data directory) are anchored.
    var workingDirectory: String = FileManager.default.currentDirectoryPath
    /// This machine's addresses, read only when the relay must advertise one it was not given.
    var hostAddresses: @Sendable () -> HostAddresses = HostAddresses.system

    func load() -> Result<ApplianceConfiguration, ConfigurationProblems> {
        var reader = ValueReader(sources: sources)

        let defaultEnvironment: DeploymentEnvironment = sources.file == nil ? .development : .production
        let environment = reader.read(.environment, default: defaultEnvironment, Parse.environment)
        let development = environment == .development

        let dataDirectory = absolute(
            reader.read(.dataDir, default: development ? "./.notrack-data" : "/var/lib/notrack", Parse.path))
        let httpHost = reader.read(.httpHost, default: development ? "127.0.0.1" : "0.0.0.0", Parse.host)
        let httpPort = reader.read(.httpPort, default: 3000, Parse.port)
        let allowedOrigins = reader.readList(.httpAllowedOrigins, default: [], Parse.origin)
        let trustedProxies = reader.readList(.httpTrustedProxies, default: [], Parse.cidr)
        let maxBodyBytes = reader.read(.httpMaxBodySize, default: 100 * 1024, Parse.positiveInteger)
        let httpDefaults = HTTPConnectionLimits()
        let httpConnections = HTTPConnectionLimits(
            headerTimeout: reader.read(.httpHeaderTimeout, default: httpDefaults.headerTimeout, Parse.duration),
            idleTimeout: reader.read(.httpIdleTimeout, default: httpDefaults.idleTimeout, Parse.duration),
            maximumPerAddress: reader.read(
                .httpMaxConnectionsPerAddress, default: httpDefaults.maximumPerAddress, Parse.positiveInteger),
            maximum: reader.read(.httpMaxConnections, default: httpDefaults.maximum, Parse.positiveInteger))
        let assetsDirectory = absolute(
            reader.read(.httpAssetsDir, default: development ? "./.notrack-assets" : "/usr/share/notrack", Parse.path))

        let inlineSecret = reader.readOptional(.authJWTSecret, Parse.text)
        if inlineSecret == nil { reader.record(.authJWTSecret, display: "(unset)", origin: .defaulted) }
        let secretFile = reader.read(
            .authJWTSecretFile,
            default: development ? dataDirectory + "/secret" : "/etc/notrack/secret",
            Parse.path)
        let secret = resolveSecret(
            inline: inlineSecret, file: secretFile, environment: environment, reader: &reader)

        let guestAccess = reader.read(.authGuestAccess, default: false, Parse.bool)
        // A production box may be on a public IP: nobody signs up unless the operator opens it.
        let registration = reader.read(.authRegistration, default: development ? .open : .closed, Parse.registration)
        let tokenLifetime = reader.read(.authTokenLifetime, default: Duration.seconds(86_400), Parse.duration)
        let bcryptCost = reader.read(.authBcryptCost, default: 12, Parse.bcryptCost)
        let authRateLimit = RateLimit(
            limit: reader.read(.rateLimitAuthMax, default: 5, Parse.positiveInteger),
            window: reader.read(.rateLimitAuthWindow, default: Duration.seconds(15 * 60), Parse.duration))
        let apiRateLimit = RateLimit(
            limit: reader.read(.rateLimitAPIMax, default: 100, Parse.positiveInteger),
            window: reader.read(.rateLimitAPIWindow, default: Duration.seconds(15 * 60), Parse.duration))
        let calls = CallSignaling.Configuration(
            ringTimeout: reader.read(.callsRingTimeout, default: Duration.seconds(45), Parse.duration),
            eventLimit: RateLimit(
                limit: reader.read(.rateLimitSocketEventsMax, default: 50, Parse.positiveInteger),
                window: reader.read(.rateLimitSocketEventsWindow, default: Duration.seconds(60), Parse.duration)),
            connectLimit: RateLimit(
                limit: reader.read(.rateLimitSocketConnectsMax, default: 3, Parse.positiveInteger),
                window: reader.read(.rateLimitSocketConnectsWindow, default: Duration.seconds(300), Parse.duration)))
        let engineIO = EngineIOConfiguration(
            pingInterval: Parse.milliseconds(reader.read(.realtimePingInterval, default: Duration.seconds(25), Parse.duration)),
            pingTimeout: Parse.milliseconds(reader.read(.realtimePingTimeout, default: Duration.seconds(20), Parse.duration)),
            maxPayload: reader.read(.realtimeMaxPayload, default: 1_000_000, Parse.positiveInteger),
            connectTimeout: Parse.milliseconds(reader.read(.realtimeConnectTimeout, default: Duration.seconds(45), Parse.duration)))
        let relayEnabled = reader.read(.relayEnabled, default: true, Parse.bool)
        let relayPort = reader.read(.relayPort, default: 3478, Parse.port)
        let relayAddresses = reader.readList(
            .relayListenAddresses, default: Self.relayListenAddresses(httpHost: httpHost, development: development),
            Parse.ipLiteral)
        if relayEnabled, let unreachable = Self.loopbackOnlyRelay(relayAddresses, httpHost: httpHost) {
            reader.warn(.relayListenAddresses, unreachable)
        }
        let relayPublicAddress = reader.readOptional(.relayPublicAddress, Parse.ipLiteral)?.value
        let relayPublicAddresses = advertisedRelayAddresses(
            configured: relayPublicAddress.flatMap { IPAddress($0) }, listenAddresses: relayEnabled ? relayAddresses : [],
            reader: &reader)
        let relayCredentialTTL = reader.read(.relayCredentialTTL, default: Duration.seconds(86_400), Parse.duration)
        let relayAuthSecret = reader.readOptional(.relayAuthSecret, Parse.text)?.value
        if relayAuthSecret == nil { reader.record(.relayAuthSecret, display: "(unset: derived from the JWT secret)", origin: .defaulted) }
        if let relayAuthSecret, let message = SecretStore.weakness(of: relayAuthSecret) { reader.problem(.relayAuthSecret, message) }
        let relayRealm = reader.read(.relayRealm, default: RelayConfiguration.defaultRealm, Parse.text)
        if relayRealm.utf8.count > 8 {  // padded to 8 bytes like "notrack": the 84-byte 401
            reader.warn(.relayRealm, "is longer than 8 characters: the 401 challenge to the smallest TURN Allocate is then more than three times its size, and the relay does not send it over UDP (it would be a reflector); clients that send one get no answer. Use a short realm such as notrack")
        }
        let relayPortRange = reader.read(.relayPortRange, default: UInt16(49152)...UInt16(65535), Parse.portRange)
        let relayAllowedPeers = reader.readList(.relayAllowedPeers, default: [], Parse.cidr)
        let relayAllowLoopback = reader.read(.relayAllowLoopbackPeers, default: false, Parse.bool)
        let relayMaxAge = reader.read(.relayMaxAllocationAge, default: Duration.seconds(12 * 3600), Parse.duration)
        let relayPerUser = reader.read(.relayMaxAllocationsPerUser, default: 10, Parse.positiveInteger)
        let relayTotal = reader.read(.relayMaxAllocations, default: 10_000, Parse.positiveInteger)
        let relayBandwidth = reader.read(.relayMaxAllocationBandwidth, default: 1_250_000, Parse.bytesPerSecond)
        let relayDefaults = RelayConfiguration(listenAddresses: [])
        let relay = RelayConfiguration(
            listenAddresses: relayAddresses, port: relayPort, realm: relayRealm,
            publicAddresses: relayPublicAddresses,
            portRange: relayPortRange, allowedPeerNetworks: relayAllowedPeers, allowLoopbackPeers: relayAllowLoopback,
            maximumAllocationAge: relayMaxAge, maximumAllocationsPerUser: relayPerUser, maximumAllocations: relayTotal,
            bandwidthLimit: relayBandwidth,
            maximumPermissionsPerAllocation: reader.read(
                .relayMaxPermissionsPerAllocation, default: relayDefaults.maximumPermissionsPerAllocation,
                Parse.positiveInteger),
            maximumChannelsPerAllocation: reader.read(
                .relayMaxChannelsPerAllocation, default: relayDefaults.maximumChannelsPerAllocation, Parse.positiveInteger),
            maximumConnectionsPerAddress: reader.read(
                .relayMaxConnectionsPerAddress, default: relayDefaults.maximumConnectionsPerAddress, Parse.positiveInteger),
            maximumConnections: reader.read(
                .relayMaxConnections, default: relayDefaults.maximumConnections, Parse.positiveInteger),
            idleConnectionTimeout: reader.read(
                .relayIdleConnectionTimeout, default: relayDefaults.idleConnectionTimeout, Parse.duration))
        if relayEnabled, relayPort == httpPort, relayPort != 0 {
            reader.problem(.relayPort, "is the same TCP port as http.port (\(httpPort)); give the relay its own port (3478 is standard)")
        }
        let logLevel = reader.read(.logLevel, default: Logger.Level.info, Parse.logLevel)
        let logFormat = reader.read(.logFormat, default: ApplianceConfiguration.LogFormat.auto, Parse.logFormat)
        let allowFrom = reader.readList(.metricsAllowFrom, default: ClientNetworks.loopbackAndPrivate, Parse.cidr)

        let traps = OperatorTraps(
            environment: .init(isDevelopment: development, isDefaulted: reader.origin(of: .environment) == .defaulted),
            httpHost: httpHost, trustedProxies: trustedProxies,
            secretFile: inlineSecret == nil ? secretFile : nil,
            configFile: sources.file?.path,
            inlineSecretKeys: [ConfigurationKey.authJWTSecret, .relayAuthSecret].filter {
                if case .file = reader.origin(of: $0) { return true } else { return false }
            },
            permissions: OperatorTraps.permissions(of:))
        for warning in traps.warnings { reader.warn(warning) }
        if !reader.problems.isEmpty { return .failure(.init(problems: reader.problems)) }
        return .success(
            ApplianceConfiguration(
                environment: environment,
                configFile: sources.file?.path,
                dataDirectory: dataDirectory,
                httpHost: httpHost,
                httpPort: httpPort,
                allowedOrigins: allowedOrigins,
                trustedProxies: trustedProxies,
                maxBodyBytes: maxBodyBytes,
                httpConnections: httpConnections,
                assetsDirectory: assetsDirectory,
                secret: secret,
                guestAccess: guestAccess,
                registration: registration,
                tokenLifetime: tokenLifetime,
                bcryptCost: bcryptCost,
                authRateLimit: authRateLimit,
                apiRateLimit: apiRateLimit,
                engineIO: engineIO,
                calls: calls,
                relayEnabled: relayEnabled,
                relay: relay,
                relayPublicAddress: relayPublicAddress,
                relayCredentialTTL: relayCredentialTTL,
                relayAuthSecret: relayAuthSecret,
                logLevel: logLevel,
                logFormat: logFormat,
                metricsAllowFrom: allowFrom,
                report: reader.report,
                warnings: reader.warnings
            ))
    }

    /// Unless configured, the relay listens where the HTTP listener does, so that `HOST`
    /// moves both: a box whose API answers on its LAN address must relay there too. A
    /// wildcard `::` adds `0.0.0.0` (the relay's IPv6 listeners serve IPv6 only); a host
    /// name falls back to the environment's default.
    static func relayListenAddresses(httpHost: String, development: Bool) -> [String] {
        guard let address = IPAddress(httpHost) else { return development ? ["127.0.0.1"] : ["0.0.0.0"] }
        return address.isUnspecified && address.family == .ipv6 ? ["0.0.0.0", "::"] : [httpHost]
    }

    /// A relay reachable only on loopback behind an API reachable from elsewhere: clients
    /// get TURN servers they cannot reach, and their calls fail without saying why.
    static func loopbackOnlyRelay(_ relayAddresses: [String], httpHost: String) -> String? {
        let relay = relayAddresses.compactMap { IPAddress($0) }
        guard !relay.isEmpty, relay.allSatisfy({ PeerAddressCategory.of($0) == .loopback }) else { return nil }
        if let api = IPAddress(httpHost), PeerAddressCategory.of(api) == .loopback { return nil }
        if httpHost == "localhost" { return nil }
        return "lists only loopback (\(relayAddresses.joined(separator: ", "))) while the API listens on \(httpHost): clients elsewhere are given TURN servers they cannot reach and their calls fail. Set relay.listenAddresses (NOTRACK_RELAY_LISTEN_ADDRESSES) to an address they reach, or leave it unset to follow http.host"
    }

    /// What the relay advertises in XOR-RELAYED-ADDRESS: `relay.publicAddress` when set, and for
    /// each family the relay listens on with a wildcard and no public address of that family,
    /// this machine's primary address. A private or missing one is a warning, not a problem:
    /// a fresh install relays between its own clients, and the operator learns what to set.
    private func advertisedRelayAddresses(
        configured: IPAddress?, listenAddresses: [String], reader: inout ValueReader
    ) -> [IPAddress] {
        var advertised = configured.map { [$0] } ?? []
        let wildcardFamilies = Set(listenAddresses.compactMap(IPAddress.init).filter(\.isUnspecified).map(\.family))
        let missing = [AddressFamily.ipv4, .ipv6].filter { family in
            wildcardFamilies.contains(family) && !advertised.contains { $0.family == family }
        }
        guard !missing.isEmpty else {
            if configured == nil {
                reader.record(.relayPublicAddress, display: "(unset: the listen address; ICE servers name the host clients used)", origin: .defaulted)
            }
            return advertised
        }
        let host = hostAddresses()
        var found: [String] = []
        for family in missing {
            let name = family == .ipv4 ? "IPv4" : "IPv6"
            guard let choice = host.primary(family) else {
                reader.warn(
                    .relayPublicAddress,
                    "unset, and this machine has no \(name) address besides loopback and link-local: TURN allocations over \(name) are refused until it has one (restart once the network is up) or relay.publicAddress (NOTRACK_RELAY_PUBLIC_ADDRESS) is set")
                continue
            }
            advertised.append(choice.address)
            found.append(choice.description)
            if let category = choice.category {
                reader.warn(
                    .relayPublicAddress,
                    "unset, so the relay advertises \(choice.address), this machine's primary \(name) address, which is a \(category.phrase) address: relaying between clients that reach this box works, but if it is reached through NAT (port forwarding, a cloud VM's public IP) set relay.publicAddress (NOTRACK_RELAY_PUBLIC_ADDRESS) to that public IP")
            }
        }
        if let configured {
            let display = (["\(configured)"] + found.map { "detected \($0)" }).joined(separator: ", ")
            reader.record(.relayPublicAddress, display: display, origin: reader.origin(of: .relayPublicAddress))
        } else {
            reader.record(
                .relayPublicAddress, display: found.isEmpty ? "(unset; this machine has no address to advertise)" : found.joined(separator: ", "),
                origin: found.isEmpty ? .defaulted : .detected)
        }
        return advertised
    }

    private func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true))
        return url.standardizedFileURL.path
    }

    /// One secret, from exactly one place; at least 32 bytes. Development may generate it,
    /// production never does (DESIGN.md, "Credentials").
    private func resolveSecret(
        inline: (value: String, origin: ConfigurationSources.Origin)?,
        file: String,
        environment: DeploymentEnvironment,
        reader: inout ValueReader
    ) -> ApplianceConfiguration.SecretSource {
        let fileOrigin = reader.origin(of: .authJWTSecretFile)
        if let inline {
            if fileOrigin != .defaulted {
                reader.problem(.authJWTSecret, "is set (\(inline.origin)) and so is auth.jwtSecretFile (\(fileOrigin)); keep only one")
            }
            if let message = SecretStore.weakness(of: inline.value) {
                reader.problem(.authJWTSecret, "\(message) (from \(inline.origin))")
            }
            return .loaded(secret: inline.value, origin: "\(inline.origin)")
        }
        switch SecretStore.read(path: file) {
        case .success(let secret):
            if let message = SecretStore.weakness(of: secret) {
                reader.problem(.authJWTSecretFile, "\(file): \(message)")
            }
            return .loaded(secret: secret, origin: "file \(file)")
        case .failure(.missing) where environment == .development && fileOrigin == .defaulted:
            return .generate(path: file)
        case .failure(.missing):
            reader.problem(
                .authJWTSecretFile,
                "\(file) does not exist; create it with `head -c 48 /dev/urandom | base64 > \(file)` (mode 0600 or 0640 root:notrack), or set auth.jwtSecretFile / NOTRACK_AUTH_JWT_SECRET_FILE to your secret file. Production never generates a secret."
            )
        case .failure(.unreadable(let reason)):
            reader.problem(.authJWTSecretFile, "\(file) cannot be read (\(reason)); fix its permissions")
        }
        return .generate(path: file)
    }
}

/// Reads typed values with their origins, recording a problem (and falling back to the
/// default) for every value that does not parse.
struct ValueReader {
    let sources: ConfigurationSources
    private(set) var problems: [ConfigurationProblem] = []
    /// Worth an operator's attention, but the appliance runs.
    private(set) var warnings: [ConfigurationProblem] = []
    private(set) var report: [ConfigurationReport.Entry] = []
    private var origins: [ConfigurationKey: ConfigurationSources.Origin] = [:]

    init(sources: ConfigurationSources) {
        self.sources = sources
    }

    mutating func problem(_ key: ConfigurationKey, _ message: String) {
        problems.append(.init(key: key.name, message: message))
    }

    mutating func warn(_ key: ConfigurationKey, _ message: String) {
        warnings.append(.init(key: key.name, message: message))
    }

    mutating func warn(_ warning: ConfigurationProblem) {
        warnings.append(warning)
    }

    func origin(of key: ConfigurationKey) -> ConfigurationSources.Origin {
        origins[key] ?? .defaulted
    }

    mutating func read<T>(_ key: ConfigurationKey, default fallback: T, _ parse: (String) -> Result<T, Parse.Failure>) -> T {
        guard let found = readOptional(key, parse) else {
            record(key, display: "\(fallback)", origin: .defaulted)
            return fallback
        }
        return found.value
    }

    mutating func readOptional<T>(_ key: ConfigurationKey, _ parse: (String) -> Result<T, Parse.Failure>) -> (value: T, origin: ConfigurationSources.Origin)? {
        guard let (raw, origin) = lookup(key), case .scalar(let text) = raw else { return nil }
        switch parse(text.trimmingCharacters(in: .whitespaces)) {
        case .success(let value):
            record(key, display: key.isSecret ? "<redacted, \(text.utf8.count) bytes>" : "\(value)", origin: origin)
            return (value, origin)
        case .failure(let failure):
            problem(key, "\(failure.message) (got '\(key.isSecret ? "<redacted>" : text)' from \(origin))")
            return nil
        }
    }

    mutating func readList<T: CustomStringConvertible>(_ key: ConfigurationKey, default fallback: [String], _ parse: (String) -> Result<T, Parse.Failure>) -> [T] {
        let found = lookup(key)
        let items: [String]
        let origin: ConfigurationSources.Origin
        if case .list(let list)? = found?.value, let from = found?.origin {
            (items, origin) = (list, from)
        } else {
            (items, origin) = (fallback, .defaulted)
        }
        var values: [T] = []
        for item in items {
            switch parse(item) {
            case .success(let value): values.append(value)
            case .failure(let failure): problem(key, "item '\(item)': \(failure.message) (from \(origin))")
            }
        }
        record(key, display: "[" + values.map(\.description).joined(separator: ", ") + "]", origin: origin)
        return values
    }

    private mutating func lookup(_ key: ConfigurationKey) -> (value: ConfigurationFile.Value, origin: ConfigurationSources.Origin)? {
        do {
            guard let found = try sources.lookup(key) else { return nil }
            origins[key] = found.origin
            return found
        } catch {
            problems.append(error)
            return nil
        }
    }

    /// Sets the key's line in the report; a later call for the same key replaces it.
    mutating func record(_ key: ConfigurationKey, display: String, origin: ConfigurationSources.Origin) {
        let entry = ConfigurationReport.Entry(key: key.name, value: display, origin: origin)
        if let index = report.firstIndex(where: { $0.key == key.name }) {
            report[index] = entry
        } else {
            report.append(entry)
        }
    }
}
