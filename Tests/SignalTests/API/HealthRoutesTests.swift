import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

/// The health endpoints answer with the shapes of the API reference.
@Suite struct HealthRoutesTests {
    @Test func rootDescribesTheService() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try json(response.body)
                #expect(body["service"] as? String == "Audio Calling Web App - Signaling Server")
                #expect(body["status"] as? String == "running")
                #expect(isISO8601WithMilliseconds(body["timestamp"]))
                #expect(body["version"] as? String == "2.2.4", "the API reference's version")
                #expect(body["applianceVersion"] as? String == "9.9.9")
                #expect(body["environment"] as? String == "production")
                #expect((body["features"] as? [String])?.contains("authentication") == true)
                let security = try #require(body["security"] as? [String: Any])
                #expect(security["https"] as? Bool == false)
                #expect(security["guestAccess"] as? Bool == true)
                #expect(security["registration"] as? String == "open")
                let redis = try #require(body["redis"] as? [String: Any])
                #expect(redis["enabled"] as? Bool == false)
                #expect(redis["connected"] as? Bool == false)
                #expect(redis["status"] as? String == "disabled")
            }
        }
    }

    @Test func rootSaysWhetherClientsMaySignUp() async throws {
        try await testRouter(try await makeSignal(guestAccess: false, registration: .closed)) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let security = try #require(try json(response.body)["security"] as? [String: Any])
                #expect(security["guestAccess"] as? Bool == false)
                #expect(security["registration"] as? String == "closed")
            }
        }
    }

    @Test func liveReportsUptimeInSeconds() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["status"] as? String == "alive")
                #expect(isISO8601WithMilliseconds(body["timestamp"]))
                let uptime = try #require(body["uptime"] as? Double)
                #expect(uptime >= 0 && uptime < 60)
            }
        }
    }

    @Test func readyWhenEveryCheckIsHealthyOrDisabled() async throws {
        try await testRouter(try await makeSignal(checks: [FixedCheck(name: "relay", answer: .healthy)])) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["status"] as? String == "ready")
                #expect(isISO8601WithMilliseconds(body["timestamp"]))
                #expect(body["checks"] as? [String: String] == ["redis": "disabled", "relay": "healthy", "database": "healthy"])
            }
        }
    }

    @Test func notReadyNamesTheFailingCheckWith503() async throws {
        let checks: [any ReadinessCheck] = [FixedCheck(name: "relay", answer: .unhealthy), FixedCheck(name: "db", answer: .healthy)]
        try await testRouter(try await makeSignal(checks: checks)) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try json(response.body)
                #expect(body["status"] as? String == "not ready")
                #expect((body["checks"] as? [String: String])?["relay"] == "unhealthy")
                #expect((body["checks"] as? [String: String])?["db"] == "healthy")
            }
        }
    }

    @Test func redisHealthSaysDisabled() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/api/health/redis", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["enabled"] as? Bool == false)
                #expect(body["message"] as? String == "Redis is not enabled")
            }
        }
    }
}
