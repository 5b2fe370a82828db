import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

@Suite struct MiddlewareTests {
    @Test func unknownRouteGetsTheReferenceErrorBody() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/nope", method: .get) { response in
                #expect(response.status == .notFound)
                let error = try #require(try json(response.body)["error"] as? [String: Any])
                #expect(error["status"] as? Int == 404)
                #expect(error["message"] as? String == "Not Found")
                #expect(error["stack"] == nil)
            }
        }
    }

    @Test func requestIDIsEchoedWhenSane() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [.xRequestID: "abc-123"]) { response in
                #expect(response.headers[.xRequestID] == "abc-123")
            }
        }
    }

    @Test func requestIDIsGeneratedWhenMissingOrUnsafe() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [.xRequestID: "bad id with spaces"]) { response in
                let id = try #require(response.headers[.xRequestID])
                #expect(id != "bad id with spaces")
                #expect(UUID(uuidString: id) != nil)
            }
            try await client.execute(uri: "/nope", method: .get) { response in
                #expect(response.headers[.xRequestID] != nil)
            }
        }
    }

    @Test(arguments: ["", String(repeating: "a", count: 129), "tab\there", "ünicode"])
    func unsafeRequestIDsAreReplaced(candidate: String) {
        #expect(RequestIDMiddleware.acceptable(candidate) == nil)
    }

    @Test func metricsAreServedAsPrometheusText() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(String(buffer: response.body) == "# TYPE up gauge\nup 1\n")
            }
        }
    }

    @Test func metricsAreRefusedToDisallowedClients() async throws {
        try await testRouter(try await makeSignal(metricsAllowed: false)) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .forbidden)
                let error = try #require(try json(response.body)["error"] as? [String: Any])
                #expect((error["message"] as? String)?.contains("metrics.allowFrom") == true)
            }
        }
    }

    /// A reverse proxy on the box makes every client loopback: a forwarded request from a
    /// proxy that is not trusted is refused, however allowed its peer address is.
    @Test func metricsAreRefusedThroughAProxyThatIsNotTrusted() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/metrics", method: .get, headers: [.xForwardedFor: "198.51.100.7"]) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("http.trustedProxies"))
            }
        }
    }
}
