import Foundation
import Hummingbird

/// `POST /api/auth/guest`, `/api/auth/register` and `/api/auth/login` (API reference,
/// "Authentication Endpoints"). Each answers `{token, extension, expiresIn}`.
struct AuthRoutes {
    let accounts: AccountStore
    let authenticator: JWTAuthenticator
    let hasher: PasswordHasher
    let guestAccess: Bool
    let registration: SignalConfiguration.Registration
    let maxBodyBytes: Int

    /// The 403 of a closed registration: it tells the user who can create the account.
    static let registrationClosedMessage =
        "Registration is closed on this server: ask the administrator to create your account (notrack users add)."

    struct TokenBody: ResponseEncodable, Equatable {
        var token: String
        var `extension`: ExtensionNumber
        var expiresIn: String
    }

    struct RegisterRequest: Decodable {
        var username: String?
        var password: String?
        var confirmPassword: String?
    }

    struct LoginRequest: Decodable {
        var username: String?
        var password: String?
    }

    func register(on router: Router<SignalRequestContext>) {
        router.post("/api/auth/guest") { _, _ in try await guest() }
        router.post("/api/auth/register") { request, _ in
            // Before the body is read: a closed server has nothing to validate.
            guard registration == .open else { throw HTTPError(.forbidden, message: Self.registrationClosedMessage) }
            return EditedResponse(status: .created, response: try await register(try await JSONBody.decode(RegisterRequest.self, from: request, limit: maxBodyBytes)))
        }
        router.post("/api/auth/login") { request, _ in
            try await login(try await JSONBody.decode(LoginRequest.self, from: request, limit: maxBodyBytes))
        }
    }

    func guest(now: Date = Date()) async throws -> TokenBody {
        guard guestAccess else { throw HTTPError(.forbidden, message: "Guest access is disabled") }
        let expiresAt = now.addingTimeInterval(TimeInterval(authenticator.lifetime.components.seconds))
        let number = try await accounts.reserveGuestExtension(until: expiresAt, now: now)
        return try await token(for: number, subject: "guest:\(number)", now: now)
    }

    func register(_ body: RegisterRequest, now: Date = Date()) async throws -> TokenBody {
        guard let username = body.username, let password = body.password else {
            throw HTTPError(.badRequest, message: "username, password and confirmPassword are required")
        }
        let problems = RegistrationRules.problems(username: username, password: password, confirmPassword: body.confirmPassword)
        guard problems.isEmpty else { throw HTTPError(.badRequest, message: problems.joined(separator: "; ")) }
        let hash = try await hasher.hash(password)
        do {
            let account = try await accounts.create(username: username, passwordHash: hash, now: now)
            return try await token(for: account.extension, subject: "user:\(account.id)", generation: account.tokenGeneration, now: now)
        } catch AccountError.usernameTaken {
            throw HTTPError(.conflict, message: "Username already exists")
        }
    }

    func login(_ body: LoginRequest, now: Date = Date()) async throws -> TokenBody {
        guard let username = body.username, let password = body.password, !username.isEmpty, !password.isEmpty else {
            throw HTTPError(.badRequest, message: "username and password are required")
        }
        // bcrypt stops at a NUL byte, so `secret\0anything` would match `secret`: such input
        // is refused before any bcrypt work, as registration refuses it.
        let problems = RegistrationRules.controlCharacterProblems(username: username, password: password)
        guard problems.isEmpty else { throw HTTPError(.badRequest, message: problems.joined(separator: "; ")) }
        guard let account = try await accounts.find(username: username) else {
            try await hasher.verifyAgainstNothing(password)
            throw HTTPError(.unauthorized, message: "Invalid username or password")
        }
        guard try await hasher.verify(password, hash: account.passwordHash) else {
            throw HTTPError(.unauthorized, message: "Invalid username or password")
        }
        return try await token(for: account.extension, subject: "user:\(account.id)", generation: account.tokenGeneration, now: now)
    }

    private func token(for number: ExtensionNumber, subject: String, generation: Int? = nil, now: Date) async throws -> TokenBody {
        let issued = try await authenticator.issue(extension: number, subject: subject, generation: generation, now: now)
        return TokenBody(token: issued.token, extension: number, expiresIn: authenticator.expiresIn)
    }
}
