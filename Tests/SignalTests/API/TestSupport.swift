import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore

@testable import Signal

/// A readiness check with a fixed answer.
struct FixedCheck: ReadinessCheck {
    var name: String
    var answer: DependencyStatus
    func status() async -> DependencyStatus { answer }
}

/// ICE servers with a recognisable shape, standing in for the appliance's relay wiring.
struct StaticICEServers: ICEServerProvider {
    func iceServers(for user: ExtensionNumber, host: String?, now: Date) -> ICEConfiguration {
        ICEConfiguration(iceServers: [ICEServer(urls: ["turn:\(host ?? "?"):3478"], username: "1:\(user)", credential: "c")], ttl: 60)
    }
}

func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("notrack-tests-\(UUID().uuidString)").path
}

let testSecret = String(repeating: "t", count: 40)

/// Real services on a fresh SQLite file; bcrypt at its minimum cost to keep tests quick.
func makeServices(directory: String = temporaryDirectory(), lifetime: Duration = .seconds(86_400)) async throws -> SignalServer.Services {
    SignalServer.Services(
        accounts: try AccountStore(directory: directory),
        authenticator: await JWTAuthenticator(secret: testSecret, lifetime: lifetime),
        hasher: PasswordHasher(cost: 4),
        iceServers: StaticICEServers())
}

func makeSignal(
    environment: DeploymentEnvironment = .production,
    checks: [any ReadinessCheck] = [],
    metricsAllowed: Bool = true,
    guestAccess: Bool = true,
    registration: SignalConfiguration.Registration = .open,
    allowedOrigins: [String] = [],
    authLimit: Int = 1000,
    apiLimit: Int = 1000,
    maxBodyBytes: Int = 1024,
    services: SignalServer.Services? = nil,
    assetsDirectory: String = "/nonexistent/notrack-assets"
) async throws -> SignalServer {
    let resolvedServices: SignalServer.Services
    if let services { resolvedServices = services } else { resolvedServices = try await makeServices() }
    return SignalServer(
        configuration: .init(
            host: "127.0.0.1", port: 0, environment: environment, version: "9.9.9", guestAccess: guestAccess,
            registration: registration,
            allowedOrigins: allowedOrigins,
            authRateLimit: .init(limit: authLimit, window: .seconds(900)),
            apiRateLimit: .init(limit: apiLimit, window: .seconds(900)),
            maxBodyBytes: maxBodyBytes,
            assetsDirectory: assetsDirectory),
        services: resolvedServices,
        hooks: .init(
            readinessChecks: checks,
            metricsExposition: { "# TYPE up gauge\nup 1\n" },
            isMetricsClientAllowed: { _ in metricsAllowed }
        ),
        logger: .init(label: "test")
    )
}

func testRouter(_ signal: SignalServer, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    try await Application(router: signal.makeRouter()).test(.router, body)
}

func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] ?? [:]
}

/// `Date.toISOString()` format: milliseconds, UTC.
func isISO8601WithMilliseconds(_ value: Any?) -> Bool {
    guard let text = value as? String else { return false }
    return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil
}
