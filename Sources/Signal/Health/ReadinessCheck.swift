/// The state of one dependency as the readiness probe reports it
/// (`GET /health/ready` → `checks.<name>`).
public enum DependencyStatus: String, Sendable, Codable, Equatable {
    case healthy
    case unhealthy
    /// The dependency is not configured, so it cannot hold the appliance back.
    case disabled
}

/// A dependency the readiness probe asks before it answers "ready".
///
/// The appliance hands Signal one check per dependency it runs (the relay's sockets,
/// Redis once clustered); Signal never needs to know what stands behind a check.
public protocol ReadinessCheck: Sendable {
    /// The key under `checks` in the readiness body, e.g. `"redis"`.
    var name: String { get }
    func status() async -> DependencyStatus
}
