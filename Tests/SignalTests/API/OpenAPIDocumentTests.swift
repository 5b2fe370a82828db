import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

/// `/swagger.json` tells the truth about every endpoint: each path with its methods and
/// every status code it can answer, the reference's headers, and the Socket.IO events.
@Suite struct OpenAPIDocumentTests {
    /// Every operation of the API, with every status code it answers (the contract).
    static let operations: [(path: String, method: String, statuses: Set<String>)] = [
        ("/", "get", ["200"]),
        ("/health/live", "get", ["200"]),
        ("/health/ready", "get", ["200", "503"]),
        ("/api/health/redis", "get", ["200", "503", "429"]),
        ("/metrics", "get", ["200", "403"]),
        ("/api/auth/guest", "post", ["200", "403", "429"]),
        ("/api/auth/register", "post", ["201", "400", "403", "409", "413", "415", "429"]),
        ("/api/auth/login", "post", ["200", "400", "401", "413", "415", "429"]),
        ("/api/turn/credentials", "get", ["200", "401", "429"]),
        ("/swagger.json", "get", ["200"]),
        ("/api-docs", "get", ["200"]),
        ("/api-docs/{file}", "get", ["200", "404", "503"]),
    ]

    /// The document as a client gets it from the router.
    func served() async throws -> [String: Any] {
        let box = DocumentBox()
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/swagger.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                box.document = try json(response.body)
            }
        }
        return box.document
    }

    @Test func isOpenAPI303WithTheAppliancesVersion() async throws {
        let document = try await served()
        #expect(document["openapi"] as? String == "3.0.3")
        let info = try #require(document["info"] as? [String: Any])
        #expect(info["version"] as? String == "9.9.9")
        #expect(info["title"] as? String == "NoTrack API")
    }

    @Test func listsEveryOperationWithEveryStatusAndNothingElse() async throws {
        let paths = try #require(try await served()["paths"] as? [String: [String: Any]])
        #expect(Set(paths.keys) == Set(Self.operations.map(\.path)))
        for (path, method, statuses) in Self.operations {
            let operation = try #require(paths[path]?[method] as? [String: Any], "\(method) \(path) missing")
            let responses = try #require(operation["responses"] as? [String: Any])
            #expect(Set(responses.keys) == statuses, "\(method) \(path)")
            #expect(paths[path]?.count == 1, "\(path) documents methods it does not serve")
        }
    }

    @Test func everyErrorIsTheReferenceErrorBody() async throws {
        let paths = try #require(try await served()["paths"] as? [String: [String: [String: Any]]])
        for (path, methods) in paths {
            for (_, operation) in methods {
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                for (status, response) in responses where status.hasPrefix("4") || (status == "503" && !path.hasPrefix("/health") && path != "/api/health/redis") {
                    let content = response["content"] as? [String: [String: [String: String]]]
                    #expect(content?["application/json"]?["schema"]?["$ref"] == "#/components/schemas/Error", "\(path) \(status)")
                }
            }
        }
    }

    @Test func apiResponsesCarryRateLimitHeadersAndEveryResponseTheRequestID() async throws {
        let paths = try #require(try await served()["paths"] as? [String: [String: [String: Any]]])
        for (path, methods) in paths {
            for (_, operation) in methods {
                let responses = try #require(operation["responses"] as? [String: [String: Any]])
                for (status, response) in responses {
                    let headers = Set((response["headers"] as? [String: Any] ?? [:]).keys)
                    #expect(headers.contains("X-Request-Id"), "\(path) \(status)")
                    let limited: Set = ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
                    #expect(limited.isSubset(of: headers) == path.hasPrefix("/api/"), "\(path) \(status)")
                    #expect(headers.contains("Retry-After") == (status == "429"), "\(path) \(status)")
                }
            }
        }
    }

    @Test func serviceInfoDescribesBothVersionsAndWhoMaySignUp() async throws {
        let components = try #require(try await served()["components"] as? [String: Any])
        let serviceInfo = try #require((components["schemas"] as? [String: [String: Any]])?["ServiceInfo"])
        let required = try #require(serviceInfo["required"] as? [String])
        #expect(required.contains("version") && required.contains("applianceVersion"))
        let properties = try #require(serviceInfo["properties"] as? [String: [String: Any]])
        #expect(properties["version"]?["example"] as? String == "2.2.4")
        let security = try #require(properties["security"])
        #expect(Set(security["required"] as? [String] ?? []) == ["https", "guestAccess", "registration"])
        let registration = (security["properties"] as? [String: [String: Any]])?["registration"]
        #expect(registration?["enum"] as? [String] == ["open", "closed"])
    }

    @Test func turnCredentialsNeedTheBearerToken() async throws {
        let document = try await served()
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        let security = paths["/api/turn/credentials"]?["get"]?["security"] as? [[String: [String]]]
        #expect(security == [["bearerAuth": []]])
        let components = try #require(document["components"] as? [String: Any])
        let scheme = (components["securitySchemes"] as? [String: [String: String]])?["bearerAuth"]
        #expect(scheme?["type"] == "http" && scheme?["scheme"] == "bearer" && scheme?["bearerFormat"] == "JWT")
    }

    @Test func everyReferenceResolves() async throws {
        let document = try await served()
        var references: [String] = []
        collectReferences(document, into: &references)
        #expect(!references.isEmpty)
        for reference in references {
            #expect(resolve(reference, in: document) != nil, "\(reference) does not resolve")
        }
    }

    @Test func extensionsAndErrorsHaveTheReferenceShape() async throws {
        let components = try #require(try await served()["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: [String: Any]])
        #expect(schemas["Extension"]?["pattern"] as? String == "^[0-9]{3}-[0-9]{3}$")
        let error = try #require(schemas["Error"]?["properties"] as? [String: [String: Any]])
        let detail = try #require(error["error"]?["properties"] as? [String: Any])
        #expect(Set(detail.keys) == ["message", "status", "stack"])
        let headers = try #require(components["headers"] as? [String: [String: Any]])
        #expect((headers["X-RateLimit-Reset"]?["schema"] as? [String: String])?["format"] == "date-time")
        #expect((headers["Retry-After"]?["schema"] as? [String: Any])?["type"] as? String == "integer")
    }

    @Test func documentsEverySocketIOEventInBothViews() async throws {
        let document = try await served()
        let events = try #require(document["x-socketio-events"] as? [String: Any])
        let clientToServer = try #require(events["clientToServer"] as? [String: Any])
        let serverToClient = try #require(events["serverToClient"] as? [String: Any])
        #expect(Set(clientToServer.keys) == ["call-user", "answer-call", "ice-candidate", "end-call"])
        #expect(Set(serverToClient.keys) == ["incoming-call", "call-made", "answer-made", "ice-candidate-received", "call-ended", "error"])
        let description = try #require((document["info"] as? [String: Any])?["description"] as? String)
        for name in Array(clientToServer.keys) + Array(serverToClient.keys) {
            #expect(description.contains("| `\(name)` |"), "\(name) missing from the description")
        }
        #expect(description.contains("| `call-user` | `{targetExtension, offer}` |"))
        #expect(description.contains("| `call-ended` | `{from, reason?}` |"))
    }

    func collectReferences(_ value: Any, into references: inout [String]) {
        if let object = value as? [String: Any] {
            if let reference = object["$ref"] as? String { references.append(reference) }
            for child in object.values { collectReferences(child, into: &references) }
        } else if let array = value as? [Any] {
            for child in array { collectReferences(child, into: &references) }
        }
    }

    func resolve(_ reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any? = document
        for component in reference.dropFirst(2).split(separator: "/") {
            node = (node as? [String: Any])?[String(component)]
        }
        return node
    }
}

/// Carries a value out of the test client's `@Sendable` closure.
final class DocumentBox: @unchecked Sendable {
    var document: [String: Any] = [:]
}
