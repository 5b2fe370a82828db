import Hummingbird
import Logging
import NIOCore

/// The HTTP and realtime side of the appliance: the NoTrack REST API and (later) the
/// Socket.IO signaling server, served by one Hummingbird application.
///
/// Signal knows nothing of the relay or of Prometheus: the appliance hands it what it needs
/// as plain values and closures (`Hooks`).
public struct SignalServer: Sendable {
    /// What the appliance plugs into Signal.
    public struct Hooks: Sendable {
        /// Dependencies asked by `GET /health/ready`.
        public var readinessChecks: [any ReadinessCheck]
        /// The metrics text served at `GET /metrics`.
        public var metricsExposition: @Sendable () -> String
        /// Whether a peer may read `/metrics`.
        public var isMetricsClientAllowed: @Sendable (SocketAddress?) -> Bool
        /// Whether a peer address belongs to a proxy whose `X-Forwarded-For` is believed.
        public var isTrustedProxy: @Sendable (String) -> Bool
        /// Called once the listener is bound, with its local address (useful when port is 0).
        public var onListening: @Sendable (SocketAddress?) async -> Void

        public init(
            readinessChecks: [any ReadinessCheck] = [],
            metricsExposition: @escaping @Sendable () -> String = { "" },
            isMetricsClientAllowed: @escaping @Sendable (SocketAddress?) -> Bool = { _ in false },
            isTrustedProxy: @escaping @Sendable (String) -> Bool = { _ in false },
            onListening: @escaping @Sendable (SocketAddress?) async -> Void = { _ in }
        ) {
            self.readinessChecks = readinessChecks
            self.metricsExposition = metricsExposition
            self.isMetricsClientAllowed = isMetricsClientAllowed
            self.isTrustedProxy = isTrustedProxy
            self.onListening = onListening
        }
    }

    /// The stateful parts Signal runs on, built once by the appliance.
    public struct Services: Sendable {
        public var accounts: AccountStore
        public var authenticator: JWTAuthenticator
        public var hasher: PasswordHasher
        public var iceServers: any ICEServerProvider

        public init(accounts: AccountStore, authenticator: JWTAuthenticator, hasher: PasswordHasher, iceServers: any ICEServerProvider) {
            self.accounts = accounts
            self.authenticator = authenticator
            self.hasher = hasher
            self.iceServers = iceServers
        }
    }

    public let configuration: SignalConfiguration
    public let services: Services
    public let hooks: Hooks
    /// The Socket.IO server at `/socket.io/` (long-polling and WebSocket).
    public let io: SocketIOServer
    /// The call protocol on `io`, and the service that runs its timer.
    public let calls: CallSignaling
    /// Whether tokens still stand for their accounts (`notrack users remove|passwd`).
    let sessions: AccountSessions
    let logger: Logger
    let startedAt: ContinuousClock.Instant

    public init(configuration: SignalConfiguration, services: Services, hooks: Hooks, logger: Logger) {
        self.configuration = configuration
        self.services = services
        self.hooks = hooks
        self.logger = logger
        self.startedAt = .now
        self.io = SocketIOServer(path: Self.socketIOPath, configuration: configuration.engineIO, logger: logger)
        self.sessions = AccountSessions(accounts: services.accounts)
        self.calls = CallSignaling(
            io: io, authenticator: services.authenticator, sessions: sessions, iceServers: services.iceServers,
            configuration: configuration.calls, isTrustedProxy: hooks.isTrustedProxy, logger: logger)
    }

    static let socketIOPath = "/socket.io/"

    /// The features `GET /` advertises: only what this build really does.
    public var features: [String] {
        [
            "authentication", "rate-limiting", "input-validation", "connection-cleanup", "helmet-security-headers", "strict-cors",
            "socket.io-signaling",
            "env-validation", "structured-logging", "prometheus-metrics", "health-checks",
        ]
    }

    /// The router with every route and middleware, usable without a socket in tests.
    public func makeRouter() -> Router<SignalRequestContext> {
        let router = Router(context: SignalRequestContext.self)
        let isTrustedProxy = hooks.isTrustedProxy
        let clientAddress: @Sendable (Request, SignalRequestContext) -> String = { request, context in
            ClientAddress.resolve(
                peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[.xForwardedFor], isTrustedProxy: isTrustedProxy)
        }
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: HTTPMetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(https: configuration.https))
        router.add(middleware: CORSMiddleware(allowedOrigins: configuration.engineIO.allowedOrigins, engineIOPath: Self.socketIOPath))
        router.add(middleware: ErrorBodyMiddleware(environment: configuration.environment))
        router.add(middleware: RateLimitMiddleware(pathPrefix: "/api/", policy: configuration.apiRateLimit, clientAddress: clientAddress))
        router.add(middleware: RateLimitMiddleware(pathPrefix: "/api/auth/", policy: configuration.authRateLimit, clientAddress: clientAddress))
        HealthRoutes(
            configuration: configuration,
            features: features,
            readinessChecks: hooks.readinessChecks,
            accounts: services.accounts,
            startedAt: startedAt
        ).register(on: router)
        MetricsRoute(exposition: hooks.metricsExposition, isClientAllowed: hooks.isMetricsClientAllowed, isTrustedProxy: isTrustedProxy)
            .register(on: router)
        AuthRoutes(
            accounts: services.accounts, authenticator: services.authenticator, hasher: services.hasher,
            guestAccess: configuration.guestAccess, registration: configuration.registration,
            maxBodyBytes: configuration.maxBodyBytes
        ).register(on: router)
        TURNRoutes(authenticator: services.authenticator, sessions: sessions, iceServers: services.iceServers).register(on: router)
        io.addRoutes(to: router)
        APIDocumentationRoutes(configuration: configuration).register(on: router)
        return router
    }

    /// The Hummingbird application, serving HTTP and upgrading `/socket.io/` to WebSocket;
    /// a `Service` for the appliance's service group that also runs the call timer. Its
    /// metric families exist at zero from here on (`SignalMetrics.announce`).
    public func makeApplication() -> some ApplicationProtocol {
        SignalMetrics.announce()
        let onListening = hooks.onListening
        let io = self.io
        return Application(
            router: makeRouter(),
            server: .engineIO([io.engine], limits: configuration.connections, isTrustedProxy: hooks.isTrustedProxy),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: [calls],
            onServerRunning: { channel in await onListening(channel.localAddress) },
            logger: logger
        )
    }
}
