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
    /// The appliance's version, reported by `GET /`.
    public var version: String
    /// Whether `POST /api/auth/guest` hands out tokens (`auth.guestAccess`).
    public var guestAccess: Bool
    /// Whether the listener serves TLS, reported by `GET /` as `security.https`.
    public var https: Bool

    public init(
        host: String,
        port: Int,
        environment: DeploymentEnvironment,
        version: String,
        guestAccess: Bool = false,
        https: Bool = false
    ) {
        self.host = host
        self.port = port
        self.environment = environment
        self.version = version
        self.guestAccess = guestAccess
        self.https = https
    }
}
