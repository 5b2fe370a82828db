import Crypto
import Foundation
import Testing

@testable import Signal

@Suite struct JWTAuthenticatorTests {
    let number = ExtensionNumber("123-456")!

    @Test func issuedTokensVerifyWithTheirClaims() async throws {
        let authenticator = await JWTAuthenticator(secret: testSecret)
        let now = Date()
        let (token, claims) = try await authenticator.issue(extension: number, subject: "user:1", now: now)
        let verified = try await authenticator.verify(token)
        #expect(verified.extension == number)
        #expect(verified.sub.value == "user:1")
        #expect(Int(verified.exp.value.timeIntervalSince(verified.iat.value)) == 86_400)
        #expect(verified == claims)
        #expect(authenticator.expiresIn == "24h")
    }

    @Test func anotherSecretIsRefused() async throws {
        let (token, _) = try await JWTAuthenticator(secret: testSecret).issue(extension: number, subject: "user:1")
        await #expect(throws: JWTAuthenticator.Failure.invalid) {
            try await JWTAuthenticator(secret: String(repeating: "u", count: 40)).verify(token)
        }
    }

    @Test func expiredTokensAreRefused() async throws {
        let authenticator = await JWTAuthenticator(secret: testSecret)
        let (token, _) = try await authenticator.issue(extension: number, subject: "user:1", now: Date().addingTimeInterval(-90_000))
        await #expect(throws: JWTAuthenticator.Failure.invalid) { try await authenticator.verify(token) }
    }

    @Test func otherAlgorithmsAreRefusedEvenWithAValidMAC() async throws {
        let authenticator = await JWTAuthenticator(secret: testSecret)
        let payload = #"{"extension":"123-456","sub":"user:1","iat":1,"exp":9999999999}"#
        for algorithm in ["none", "HS512", "RS256"] {
            let header = #"{"alg":"\#(algorithm)","typ":"JWT"}"#
            let signingInput = base64URL(Data(header.utf8)) + "." + base64URL(Data(payload.utf8))
            let mac = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: SymmetricKey(data: Data(testSecret.utf8)))
            let token = signingInput + "." + (algorithm == "none" ? "" : base64URL(Data(mac)))
            await #expect(throws: JWTAuthenticator.Failure.wrongAlgorithm(algorithm)) { try await authenticator.verify(token) }
        }
    }

    @Test(arguments: ["", "abc", "a.b", "a.b.c.d", "!!!.e30.sig"])
    func garbageIsMalformed(token: String) async {
        let authenticator = await JWTAuthenticator(secret: testSecret)
        await #expect(throws: JWTAuthenticator.Failure.malformed) { try await authenticator.verify(token) }
    }

    @Test func expiresInFollowsTheLifetime() async {
        #expect(await JWTAuthenticator(secret: testSecret, lifetime: .seconds(1800)).expiresIn == "30m")
        #expect(await JWTAuthenticator(secret: testSecret, lifetime: .seconds(45)).expiresIn == "45s")
    }

    func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
