/// Whether the appliance runs for a developer or for real users.
///
/// Development relaxes defaults (loopback listener, generated secret, error details in
/// responses); production never guesses.
public enum DeploymentEnvironment: String, Sendable, CaseIterable {
    case development
    case production
}

/// What the HTTP side of the appliance needs to know, decided by the appliance's configuration.
public struct SignalConfiguration: Sendable {
    /// Address the HTTP/WebSocket listener binds (`http.host`).
    public var host: String
    /// Port of the HTTP/WebSocket listener (`http.port`); 0 picks a free port.
    public var port: Int
    public var environment: DeploymentEnvironment
    /// The appliance's version, reported by `GET /` as `applianceVersion` and by
    /// `/swagger.json` as `info.version`.
    public var version: String
    /// Whether `POST /api/auth/guest` hands out tokens (`auth.guestAccess`).
    public var guestAccess: Bool
    /// Whether `POST /api/auth/register` creates accounts (`auth.registration`).
    public var registration: Registration
    /// Whether the listener serves TLS, reported by `GET /` as `security.https`.
    public var https: Bool
    /// Browser origins allowed to call the API (`http.allowedOrigins`); `*` allows any.
    /// Empty: the appliance's own origin only.
    public var allowedOrigins: [String]
    /// `POST /api/auth/*`: 5 per 15 minutes per client by default (API reference, "Rate Limiting").
    public var authRateLimit: RateLimit
    /// Every `/api/*` request: 100 per 15 minutes per client by default.
    public var apiRateLimit: RateLimit
    /// The largest JSON request body accepted (`http.maxBodySize`); larger ones get 413.
    public var maxBodyBytes: Int
    /// Engine.IO heartbeat and size limits (`realtime.*`); its allowed origins follow `allowedOrigins`.
    public var engineIO: EngineIOConfiguration
    /// Ring timeout and the call protocol's rate limits.
    public var calls: CallSignaling.Configuration
    /// Directory of the static files the appliance serves (`http.assetsDir`); Swagger UI
    /// is expected in its `swagger-ui` folder.
    public var assetsDirectory: String
    /// Timeouts and caps of the HTTP listener's connections (`http.*`).
    public var connections: HTTPConnectionLimits

    public init(
        host: String,
        port: Int,
        environment: DeploymentEnvironment,
        version: String,
        guestAccess: Bool = false,
        registration: Registration = .open,
        https: Bool = false,
        allowedOrigins: [String] = [],
        authRateLimit: RateLimit = .init(limit: 5, window: .seconds(15 * 60)),
        apiRateLimit: RateLimit = .init(limit: 100, window: .seconds(15 * 60)),
        maxBodyBytes: Int = 100 * 1024,
        engineIO: EngineIOConfiguration = .init(),
        calls: CallSignaling.Configuration = .init(),
        assetsDirectory: String = "/usr/share/notrack",
        connections: HTTPConnectionLimits = .init()
    ) {
        self.host = host
        self.port = port
        self.environment = environment
        self.version = version
        self.guestAccess = guestAccess
        self.registration = registration
        self.https = https
        self.allowedOrigins = allowedOrigins
        self.authRateLimit = authRateLimit
        self.apiRateLimit = apiRateLimit
        self.maxBodyBytes = maxBodyBytes
        self.engineIO = engineIO
        self.engineIO.allowedOrigins = .init(configured: allowedOrigins)
        self.calls = calls
        self.assetsDirectory = assetsDirectory
        self.connections = connections
    }
}

extension SignalConfiguration {
    /// Who may create accounts. A box on a public IP is closed, so strangers cannot sign
    /// themselves up to its relay; the administrator adds accounts with `notrack users add`.
    public enum Registration: String, Sendable, CaseIterable {
        /// Anyone who reaches the API may register (the API reference's behaviour).
        case open
        /// `POST /api/auth/register` answers 403.
        case closed
    }
}
