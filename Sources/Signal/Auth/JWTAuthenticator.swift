import Foundation
import JWTKit

/// Issues and verifies HS256 tokens signed with the appliance's one secret.
///
/// Only HS256 is accepted: a token whose header names another algorithm (`none`, `HS512`,
/// `RS256` …) is refused before its signature is looked at, so no algorithm confusion is
/// possible.
public struct JWTAuthenticator: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed
        case wrongAlgorithm(String)
        case invalid

        public var description: String {
            switch self {
            case .malformed: "token is not a JWT"
            case .wrongAlgorithm(let name): "token algorithm \(name) is not accepted; only HS256"
            case .invalid: "token signature is invalid or the token has expired"
            }
        }
    }

    private let keys: JWTKeyCollection
    /// How long an issued token lives (24 h by default, `auth.tokenLifetime`).
    public let lifetime: Duration

    public init(secret: String, lifetime: Duration = .seconds(86_400)) async {
        self.keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.lifetime = lifetime
    }

    /// Issues a token; `iat` and `exp` are whole seconds, as JWT NumericDate carries them.
    /// `generation` is the account's token generation (none for guests).
    public func issue(
        extension number: ExtensionNumber, subject: String, generation: Int? = nil, now: Date = Date()
    ) async throws -> (token: String, claims: SessionClaims) {
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = SessionClaims(
            extension: number,
            sub: .init(value: subject),
            iat: .init(value: now),
            exp: .init(value: now.addingTimeInterval(TimeInterval(lifetime.components.seconds))),
            gen: generation)
        return (try await keys.sign(claims), claims)
    }

    public func verify(_ token: String) async throws(Failure) -> SessionClaims {
        let algorithm = try Self.algorithm(of: token)
        guard algorithm == "HS256" else { throw .wrongAlgorithm(algorithm) }
        do {
            return try await keys.verify(token, as: SessionClaims.self)
        } catch {
            throw .invalid
        }
    }

    /// The `alg` of the token's header, read without trusting anything else in it.
    static func algorithm(of token: String) throws(Failure) -> String {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let header = Data(base64URLEncoded: String(segments[0])),
            let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any]
        else { throw .malformed }
        return object["alg"] as? String ?? "none"
    }

    /// `expiresIn` as the reference writes it: `24h`, `30m`, `45s`.
    public var expiresIn: String {
        let seconds = lifetime.components.seconds
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}

extension Data {
    /// Base64url without padding (RFC 7515 §2).
    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
