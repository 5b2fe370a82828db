import Foundation
import Hummingbird

/// `GET /`, `GET /health/live`, `GET /health/ready` and `GET /api/health/redis`
/// (API reference, "Health & Status Endpoints").
struct HealthRoutes {
    let configuration: SignalConfiguration
    let features: [String]
    let readinessChecks: [any ReadinessCheck]
    let accounts: AccountStore
    let startedAt: ContinuousClock.Instant

    func register(on router: Router<SignalRequestContext>) {
        router.get("/") { _, _ in serviceInfo(now: Date()) }
        router.get("/health/live") { _, _ in liveness(now: Date()) }
        router.get("/health/ready") { _, _ in
            let readiness = await readiness(now: Date())
            return EditedResponse(status: readiness.isReady ? .ok : .serviceUnavailable, response: readiness)
        }
        router.get("/api/health/redis") { _, _ in RedisDisabled() }
    }

    func serviceInfo(now: Date) -> HealthReport.ServiceInfo {
        .init(
            timestamp: HealthReport.timestamp(now),
            version: OpenAPIDocument.referenceVersion,
            applianceVersion: configuration.version,
            environment: configuration.environment.rawValue,
            features: features,
            security: .init(
                https: configuration.https, guestAccess: configuration.guestAccess,
                registration: configuration.registration.rawValue),
            redis: .init(enabled: false, status: .disabled, connected: false)
        )
    }

    func liveness(now: Date) -> HealthReport.Liveness {
        let seconds = startedAt.duration(to: .now).timeInterval
        return .init(timestamp: HealthReport.timestamp(now), uptime: (seconds * 1000).rounded() / 1000)
    }

    func readiness(now: Date) async -> HealthReport.Readiness {
        var checks: [String: DependencyStatus] = [
            "redis": .disabled,
            "database": await accounts.isHealthy() ? .healthy : .unhealthy,
        ]
        for check in readinessChecks {
            checks[check.name] = await check.status()
        }
        return .init(timestamp: HealthReport.timestamp(now), checks: checks)
    }

    /// The reference's body for `GET /api/health/redis` while cluster mode is off.
    struct RedisDisabled: ResponseEncodable {
        var enabled = false
        var message = "Redis is not enabled"
    }
}

extension HealthReport.ServiceInfo: ResponseEncodable {}
extension HealthReport.Liveness: ResponseEncodable {}
extension HealthReport.Readiness: ResponseEncodable {}
