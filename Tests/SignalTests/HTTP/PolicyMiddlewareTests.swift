import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

/// Rate limits, security headers and CORS as the reference and helmet define them.
@Suite struct PolicyMiddlewareTests {
    @Test func authLimitRefusesTheSixthAttemptWithRetryAfter() async throws {
        try await testRouter(try await makeSignal(guestAccess: true, authLimit: 5)) { client in
            for remaining in (0..<5).reversed() {
                try await client.execute(uri: "/api/auth/guest", method: .post) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.xRateLimitLimit] == "5")
                    #expect(response.headers[.xRateLimitRemaining] == String(remaining))
                    #expect(isISO8601WithMilliseconds(response.headers[.xRateLimitReset]))
                }
            }
            try await client.execute(uri: "/api/auth/guest", method: .post) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 800)
                let error = try json(response.body)["error"] as? [String: Any]
                #expect(error?["status"] as? Int == 429)
            }
        }
    }

    /// The router ignores empty segments; the limiters must count what it routes.
    @Test(arguments: ["//api/auth/guest", "/api//auth/guest", "/api/auth//guest/", "///api/auth/guest"])
    func extraSlashesDoNotEscapeTheLimits(path: String) async throws {
        try await testRouter(try await makeSignal(guestAccess: true, authLimit: 1)) { client in
            try await client.execute(uri: "/api/auth/guest", method: .post) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: path, method: .post) { response in
                #expect(response.status == .tooManyRequests)
            }
        }
        // An unknown path under /api counts too, by its segments.
        try await testRouter(try await makeSignal(apiLimit: 1)) { client in
            try await client.execute(uri: "/api/health/redis", method: .get) { _ in }
            try await client.execute(uri: "//api/nothing-here", method: .get) { response in
                #expect(response.status == .tooManyRequests)
            }
        }
    }

    @Test func apiLimitCountsEveryAPIRequestAndErrorsCarryHeaders() async throws {
        try await testRouter(try await makeSignal(apiLimit: 2)) { client in
            try await client.execute(uri: "/api/health/redis", method: .get) { response in
                #expect(response.headers[.xRateLimitRemaining] == "1")
            }
            try await client.execute(uri: "/api/turn/credentials", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.xRateLimitRemaining] == "0")
            }
            try await client.execute(uri: "/api/health/redis", method: .get) { response in
                #expect(response.status == .tooManyRequests)
            }
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok, "only /api/* is limited")
                #expect(response.headers[.xRateLimitLimit] == nil)
            }
        }
    }

    @Test func helmetHeadersOnEveryResponse() async throws {
        try await testRouter(try await makeSignal()) { client in
            for uri in ["/", "/nope"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "SAMEORIGIN")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                    #expect(response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] == "same-origin")
                    #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == nil, "no HSTS on plain HTTP")
                }
            }
        }
    }

    @Test func corsAllowsConfiguredOriginsAndRefusesOthers() async throws {
        try await testRouter(try await makeSignal(allowedOrigins: ["https://app.example.com"])) { client in
            try await client.execute(uri: "/api/health/redis", method: .get, headers: [.origin: "https://app.example.com"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
            }
            try await client.execute(
                uri: "/api/auth/login", method: .options,
                headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "content-type"]
            ) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowMethods]?.contains("POST") == true)
                #expect(response.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
            }
            try await client.execute(uri: "/api/health/redis", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    /// Router tests send `localhost` as the authority.
    @Test func sameOriginPassesWithoutConfiguration() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/api/health/redis", method: .get, headers: [.origin: "http://localhost"]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/health/redis", method: .get, headers: [.origin: "http://other.local:3000"]) { response in
                #expect(response.status == .forbidden)
            }
        }
    }
}
