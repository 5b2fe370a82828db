import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

/// The authentication endpoints, every status code of the reference, on a real database.
private let jsonHeaders: HTTPFields = [.contentType: "application/json"]

private func body(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(data: try! JSONSerialization.data(withJSONObject: object))
}

private var registration: [String: Any] { ["username": "user@example.com", "password": "SecurePass123!", "confirmPassword": "SecurePass123!"] }

/// The message of the reference's error body.
func errorMessage(_ buffer: ByteBuffer) throws -> String? {
    (try json(buffer)["error"] as? [String: Any])?["message"] as? String
}

@Suite struct AuthRoutesTests {
    @Test func registerThenLoginGiveTokensForTheSameExtension() async throws {
        let signal = try await makeSignal()
        try await testRouter(signal) { client in
            let registered = try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: body(registration)) { response in
                #expect(response.status == .created)
                return try json(response.body)
            }
            let number = try #require(registered["extension"] as? String)
            #expect(ExtensionNumber(number) != nil)
            #expect(registered["expiresIn"] as? String == "24h")
            let token = try #require(registered["token"] as? String)
            #expect(try await signal.services.authenticator.verify(token).extension.rawValue == number)

            let login: [String: Any] = ["username": "USER@example.com", "password": "SecurePass123!"]
            try await client.execute(uri: "/api/auth/login", method: .post, headers: jsonHeaders, body: body(login)) { response in
                #expect(response.status == .ok)
                let answer = try json(response.body)
                #expect(answer["extension"] as? String == number)
            }
        }
    }

    @Test func registrationErrors() async throws {
        try await testRouter(try await makeSignal()) { client in
            var weak = registration
            weak["password"] = "weak"
            weak["confirmPassword"] = "weak"
            try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: body(weak)) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try json(response.body)["error"] as? [String: Any])
                #expect((error["message"] as? String)?.contains("at least 8 characters") == true)
                #expect(error["status"] as? Int == 400)
            }
            try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: body(registration)) { response in
                #expect(response.status == .created)
            }
            var shouting = registration
            shouting["username"] = "USER@EXAMPLE.COM"
            try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: body(shouting)) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: body(["username": 5])) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("username must be a string"))
            }
            try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: ByteBuffer(string: "{not json")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func bodiesMustBeJSONAndSmall() async throws {
        try await testRouter(try await makeSignal(maxBodyBytes: 256)) { client in
            try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(String(buffer: response.body).contains("application/json"))
            }
            let large = body(["username": String(repeating: "a", count: 400), "password": "x"])
            try await client.execute(uri: "/api/auth/login", method: .post, headers: jsonHeaders, body: large) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("256 bytes"))
            }
        }
    }

    @Test func loginErrors() async throws {
        try await testRouter(try await makeSignal()) { client in
            try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: body(registration)) { _ in }
            for (username, password) in [("user@example.com", "WrongPass123"), ("nobody@example.com", "SecurePass123!")] {
                try await client.execute(uri: "/api/auth/login", method: .post, headers: jsonHeaders, body: body(["username": username, "password": password])) { response in
                    #expect(response.status == .unauthorized)
                    let message = try errorMessage(response.body)
                    #expect(message == "Invalid username or password")
                }
            }
            try await client.execute(uri: "/api/auth/login", method: .post, headers: jsonHeaders, body: body([:])) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func guestAccessFollowsConfiguration() async throws {
        try await testRouter(try await makeSignal(guestAccess: false)) { client in
            try await client.execute(uri: "/api/auth/guest", method: .post) { response in
                #expect(response.status == .forbidden)
                let message = try errorMessage(response.body)
                #expect(message == "Guest access is disabled")
            }
        }
        let signal = try await makeSignal(guestAccess: true)
        try await testRouter(signal) { client in
            try await client.execute(uri: "/api/auth/guest", method: .post) { response in
                #expect(response.status == .ok)
                let token = try #require(try json(response.body)["token"] as? String)
                let claims = try await signal.services.authenticator.verify(token)
                #expect(claims.isGuest)
            }
        }
    }

    @Test func closedRegistrationAnswers403SayingWhoAddsAccounts() async throws {
        try await testRouter(try await makeSignal(registration: .closed)) { client in
            for request in [body(registration), ByteBuffer(string: "{not json")] {
                try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: request) { response in
                    #expect(response.status == .forbidden)
                    let error = try #require(try json(response.body)["error"] as? [String: Any])
                    #expect(error["status"] as? Int == 403)
                    #expect(error["message"] as? String == "Registration is closed on this server: ask the administrator to create your account (notrack users add).")
                }
            }
            // Nothing was created, and guest access is its own setting.
            let login: [String: Any] = ["username": "user@example.com", "password": "SecurePass123!"]
            try await client.execute(uri: "/api/auth/login", method: .post, headers: jsonHeaders, body: body(login)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/auth/guest", method: .post) { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// bcrypt stops at NUL: without the check, `SecurePass123!\0anything` logs in as `SecurePass123!`.
    @Test func controlCharactersAreRefusedAtRegistrationAndLogin() async throws {
        try await testRouter(try await makeSignal()) { client in
            var withNUL = registration
            withNUL["password"] = "SecurePass123!\u{0}anything"
            withNUL["confirmPassword"] = withNUL["password"]
            try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: body(withNUL)) { response in
                #expect(response.status == .badRequest)
                let message = try errorMessage(response.body)
                #expect(message == "password must not contain control characters such as NUL or newline")
            }
            try await client.execute(uri: "/api/auth/register", method: .post, headers: jsonHeaders, body: body(registration)) { response in
                #expect(response.status == .created)
            }
            let attempts: [(String, String, String)] = [
                ("user@example.com", "SecurePass123!\u{0}anything", "password must not contain control characters such as NUL or newline"),
                ("user@example.com\n", "SecurePass123!", "username must not contain control characters such as NUL or newline"),
            ]
            for (username, password, message) in attempts {
                let login: [String: Any] = ["username": username, "password": password]
                try await client.execute(uri: "/api/auth/login", method: .post, headers: jsonHeaders, body: body(login)) { response in
                    #expect(response.status == .badRequest)
                    let error = try #require(try json(response.body)["error"] as? [String: Any])
                    #expect(error["status"] as? Int == 400)
                    #expect(error["message"] as? String == message)
                }
            }
        }
    }

    @Test func turnCredentialsNeedAValidBearerToken() async throws {
        let signal = try await makeSignal()
        try await testRouter(signal) { client in
            try await client.execute(uri: "/api/turn/credentials", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.execute(uri: "/api/turn/credentials", method: .get, headers: [.authorization: "Bearer nonsense"]) { response in
                #expect(response.status == .unauthorized)
            }
            // A token for an account that does not exist (any more) is refused.
            let (orphan, _) = try await signal.services.authenticator.issue(extension: ExtensionNumber("555-123")!, subject: "user:9")
            try await client.execute(uri: "/api/turn/credentials", method: .get, headers: [.authorization: "Bearer \(orphan)"]) { response in
                #expect(response.status == .unauthorized)
            }
            let account = try await signal.services.accounts.create(username: "turn@example.com", passwordHash: "h")
            let (token, _) = try await signal.services.authenticator.issue(extension: account.extension, subject: "user:\(account.id)")
            try await client.execute(uri: "/api/turn/credentials", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["ttl"] as? Int == 60)
                let servers = try #require(body["iceServers"] as? [[String: Any]])
                #expect(servers.first?["urls"] as? [String] == ["turn:localhost:3478"])
                #expect(servers.first?["username"] as? String == "1:\(account.extension)")
            }
        }
    }
}
