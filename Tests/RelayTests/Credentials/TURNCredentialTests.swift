import Foundation
import Testing
@testable import Relay

@Suite struct TURNCredentialTests {
    /// Vectors from `printf '%s' USER | openssl dgst -sha1 -hmac SECRET -binary | base64`,
    /// the computation coturn performs for `static-auth-secret`.
    @Test func matchesOpenSSLAndCoturn() {
        #expect(TURNSecret("notrack-test-secret").password(for: "1700000000:alice") == "346kh7PYnTzuRX2L4S7jUs0tJP8=")
        #expect(TURNSecret("north").password(for: "1700003600:1001") == "6BMwxCcQmem9j2CqchAoA72tQPE=")
    }

    /// Vector from Python's hmac/hashlib implementing RFC 5869 by hand.
    @Test func derivesTheTURNSecretWithHKDF() {
        let secret = TURNSecret.derived(fromJWTSecret: Array("0123456789abcdef0123456789abcdef".utf8))
        #expect(secret.value == "31bda596c63de08ec7e02dedbfb5d04de0a6773df925d9d7d6a853683edc0160")
        #expect(secret.value != "0123456789abcdef0123456789abcdef")
        #expect("\(secret)".contains("31bd") == false)
    }

    @Test func mintsUsernameWithExpiry() {
        let minter = TURNCredentialMinter(secret: TURNSecret("north"))
        let credential = minter.mint(user: "1001", ttl: .seconds(3600), now: Date(timeIntervalSince1970: 1_700_000_000.9))
        #expect(credential.username == "1700003600:1001")
        #expect(credential.credential == "6BMwxCcQmem9j2CqchAoA72tQPE=")
        #expect(credential.expiry == Date(timeIntervalSince1970: 1_700_003_600))
    }

    @Test func verifiesAndRefusesExpired() {
        let minter = TURNCredentialMinter(secret: TURNSecret("north"))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let credential = minter.mint(user: "ext:with:colons", ttl: .seconds(60), now: now)
        #expect(minter.verify(username: credential.username, password: credential.credential, now: now)
            == .valid(TURNRESTUsername(expiry: 1_700_000_060, user: "ext:with:colons")))
        #expect(minter.verify(username: credential.username, password: credential.credential,
                              now: now.addingTimeInterval(60)) == .expired)
        #expect(minter.verify(username: credential.username, password: "x", now: now) == .wrongPassword)
        #expect(minter.verify(username: "alice", password: "x", now: now) == .malformedUsername)
    }

    @Test(arguments: ["", ":alice", "abc:alice", "-5:alice", "+5:alice", "12a:x", "9999999999999999999:x"])
    func refusesMalformedUsernames(text: String) {
        #expect(TURNRESTUsername(text) == nil)
    }

    @Test func parsesUsernameWithoutUser() {
        #expect(TURNRESTUsername("1700000000") == TURNRESTUsername(expiry: 1_700_000_000, user: ""))
    }

    @Test func base64MatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==",
                       "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (input, output) in vectors {
            #expect(Base64.encode(Array(input.utf8)) == output)
        }
    }
}

@Suite struct NonceTests {
    let issuer = NonceIssuer(secret: TURNSecret("north"), validity: .seconds(600))
    let client = IPAddress("198.51.100.7")!
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func freshNonceIsValidUntilItsWindowEnds() {
        let nonce = issuer.issue(for: client, now: now)
        #expect(nonce.hasPrefix("obMatJos2gAAA"))
        #expect(nonce.utf8.count == 28)
        #expect(issuer.isValid(nonce, for: client, now: now))
        #expect(issuer.isValid(nonce, for: client, now: now.addingTimeInterval(599)))
        #expect(!issuer.isValid(nonce, for: client, now: now.addingTimeInterval(600)))
        #expect(!issuer.isValid(nonce, for: client, now: now.addingTimeInterval(-60)))
    }

    @Test func nonceIsBoundToClientAndSecret() {
        let nonce = issuer.issue(for: client, now: now)
        #expect(!issuer.isValid(nonce, for: IPAddress("198.51.100.8")!, now: now))
        let other = NonceIssuer(secret: TURNSecret("south"))
        #expect(!other.isValid(nonce, for: client, now: now))
    }

    @Test func forgedOrGarbledNoncesAreInvalid() {
        var nonce = Array(issuer.issue(for: client, now: now).utf8)
        nonce[20] = nonce[20] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(!issuer.isValid(String(decoding: nonce, as: UTF8.self), for: client, now: now))
        for garbage in ["", "obMatJos2gAAA", "f//499k954d6OL34oL9FSTvy64sA", String(repeating: "z", count: 37)] {
            #expect(!issuer.isValid(garbage, for: client, now: now))
        }
    }
}
