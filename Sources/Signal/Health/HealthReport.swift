import Foundation

/// The bodies of the health endpoints, with the exact shapes of the API reference
/// ("Health & Status Endpoints").
enum HealthReport {
    /// `GET /`: what runs here and how it is set up.
    struct ServiceInfo: Codable, Equatable {
        /// The reference's `https` and `guestAccess`, and `registration` (`open` or
        /// `closed`), so a client knows before asking whether it may sign up.
        struct Security: Codable, Equatable {
            var https: Bool
            var guestAccess: Bool
            var registration: String
        }
        struct Redis: Codable, Equatable {
            var enabled: Bool
            var status: DependencyStatus
            var connected: Bool
        }
        var service = "Audio Calling Web App - Signaling Server"
        var status = "running"
        var timestamp: String
        /// The API reference's version this server implements, as the reference's own
        /// example shows it, so clients can tell which contract they talk to.
        var version: String
        /// The appliance's own version (`notrack version`).
        var applianceVersion: String
        var environment: String
        var features: [String]
        var security: Security
        var redis: Redis
    }

    /// `GET /health/live`: the process answers.
    struct Liveness: Codable, Equatable {
        var status = "alive"
        var timestamp: String
        /// Seconds since the process started, as Node's `process.uptime()`.
        var uptime: Double
    }

    /// `GET /health/ready`: every dependency can serve traffic.
    struct Readiness: Codable, Equatable {
        var status: String
        var timestamp: String
        var checks: [String: DependencyStatus]

        /// Ready unless a check is unhealthy; disabled dependencies do not count.
        init(timestamp: String, checks: [String: DependencyStatus]) {
            self.status = checks.values.contains(.unhealthy) ? "not ready" : "ready"
            self.timestamp = timestamp
            self.checks = checks
        }

        var isReady: Bool { status == "ready" }
    }

    /// ISO-8601 with milliseconds in UTC, as JavaScript's `Date.toISOString()` writes it.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
