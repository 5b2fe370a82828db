import Foundation
import Logging
import NIOCore
import Relay
import ServiceLifecycle
import Signal

/// Builds Signal and Relay from the configuration and runs them in one service group,
/// which shuts them down in reverse order on SIGTERM/SIGINT.
struct ApplianceRuntime {
    let configuration: ApplianceConfiguration
    let metricsExposition: @Sendable () -> String
    let logger: Logger

    func run() async throws {
        try prepareDataDirectory()
        // Resolved (and in development generated) before anything listens, so a bad
        // secret stops start-up.
        let secret = try resolveSecret()
        logChoices()
        // One secret, two uses: the relay checks the TURN credentials that Signal hands out.
        let turnSecret = TURNSecretSource.secret(for: configuration, jwtSecret: secret)
        let signalServices = try await makeSignalServices(secret: secret, turnSecret: turnSecret)

        var services: [any Service] = []
        var readinessChecks: [any ReadinessCheck] = []
        if configuration.relayEnabled {
            var relayConfiguration = configuration.relay
            relayConfiguration.turnSecret = turnSecret
            let relay = RelayServer(configuration: relayConfiguration, logger: Logger(label: "notrack.relay"))
            services.append(RelayService(relay: relay))
            readinessChecks.append(RelayReadiness(relay: relay))
        }
        let allowFrom = configuration.metricsAllowFrom
        let httpLogger = Logger(label: "notrack.http")
        let signal = SignalServer(
            configuration: SignalConfiguration(
                host: configuration.httpHost,
                port: configuration.httpPort,
                environment: configuration.environment,
                version: Version.string,
                guestAccess: configuration.guestAccess,
                registration: configuration.registration,
                allowedOrigins: configuration.allowedOrigins,
                authRateLimit: configuration.authRateLimit,
                apiRateLimit: configuration.apiRateLimit,
                maxBodyBytes: configuration.maxBodyBytes,
                engineIO: configuration.engineIO,
                calls: configuration.calls,
                assetsDirectory: configuration.assetsDirectory,
                connections: configuration.httpConnections
            ),
            services: signalServices,
            hooks: .init(
                readinessChecks: readinessChecks,
                metricsExposition: metricsExposition,
                isMetricsClientAllowed: { peer in
                    guard let ip = peer?.ipAddress else { return false }
                    return ClientNetworks.contains(allowFrom, address: ip)
                },
                isTrustedProxy: { [trustedProxies = configuration.trustedProxies] ip in
                    ClientNetworks.contains(trustedProxies, address: ip)
                },
                onListening: { address in
                    let urls = ServedURLs(bound: address, host: .system())
                    httpLogger.info(
                        "http listening",
                        metadata: [
                            "url": .string(urls.bound),
                            "reach": .string(urls.reachable.joined(separator: " ")),
                            "api_docs": .string(urls.preferred + "/api-docs"),
                            "health": .string(urls.preferred + "/health/live"),
                        ])
                }
            ),
            logger: httpLogger
        )
        services.append(HTTPService(application: signal.makeApplication(), host: configuration.httpHost, port: configuration.httpPort))

        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
        logger.info("stopped")
    }

    /// The accounts database, token signing and ICE servers, all from the one secret.
    private func makeSignalServices(secret: String, turnSecret: TURNSecret) async throws -> SignalServer.Services {
        let accounts: AccountStore
        do {
            accounts = try AccountStore(directory: configuration.dataDirectory)
        } catch {
            throw StartupFailure(description: "cannot open the accounts database in \(configuration.dataDirectory): \(error); check dataDir and its permissions")
        }
        return SignalServer.Services(
            accounts: accounts,
            authenticator: await JWTAuthenticator(secret: secret, lifetime: configuration.tokenLifetime),
            hasher: PasswordHasher(cost: UInt8(configuration.bcryptCost)),
            iceServers: RelayICEServers(
                minter: TURNCredentialMinter(secret: turnSecret),
                publicAddress: configuration.relayPublicAddress,
                port: configuration.relay.port,
                ttl: configuration.relayCredentialTTL,
                enabled: configuration.relayEnabled))
    }

    private func prepareDataDirectory() throws {
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o750])
        } catch {
            throw StartupFailure(description: "cannot create the data directory \(configuration.dataDirectory) (\(error.localizedDescription)); fix dataDir or its permissions")
        }
    }

    private func resolveSecret() throws -> String {
        switch configuration.secret {
        case .loaded(let secret, _):
            return secret
        case .generate(let path):
            do {
                let secret = try SecretStore.generate(path: path)
                logger.notice("generated a development secret", metadata: ["path": .string(path), "mode": "0600"])
                return secret
            } catch {
                throw StartupFailure(description: "\(error)")
            }
        }
    }

    /// Says exactly what the appliance chose, so nobody has to guess which defaults applied:
    /// where its files are, what it listens on and advertises, and every configuration warning.
    private func logChoices() {
        let secretOrigin: String
        switch configuration.secret {
        case .loaded(_, let origin): secretOrigin = origin
        case .generate(let path): secretOrigin = "file \(path) (generated)"
        }
        logger.info(
            "starting notrack",
            metadata: [
                "version": .string(Version.string),
                "environment": .string(configuration.environment.rawValue),
                "config": .string(configuration.configFile ?? "none (embedded defaults and environment)"),
                "data_dir": .string(configuration.dataDirectory),
                "secret": .string(secretOrigin),
                "http": .string("\(configuration.httpHost):\(configuration.httpPort)"),
                "relay": .string(
                    configuration.relayEnabled
                        ? configuration.relay.listenAddresses.map { "\($0):\(configuration.relay.port)" }.joined(separator: ",")
                        : "disabled"),
                "relay_advertised": .string(configuration.relay.advertisedAddresses.map(\.description).joined(separator: ",")),
                "relay_ports": .string("\(configuration.relay.portRange.lowerBound)-\(configuration.relay.portRange.upperBound)/udp"),
            ])
        for warning in configuration.warnings {
            logger.warning("configuration warning", metadata: ["key": .string(warning.key), "problem": .string(warning.message)])
        }
    }
}

/// The relay in the service group, with its bind failures explained.
struct RelayService: Service {
    let relay: RelayServer

    func run() async throws {
        do {
            try await relay.run()
        } catch let error as RelayServer.BindError {
            throw StartupFailure.listener(
                transport: error.transport, host: error.address, port: error.port,
                key: "relay.listenAddresses/relay.port", error: error)
        }
    }
}
