import Crypto
import Foundation

/// Issues and checks stateless, expiring NONCE values (RFC 8489 §9.2).
///
/// A nonce is `"obMatJos2" + "gAAA" + base64(issued ‖ mac)` without the padding, where
/// `issued` is the 4-byte Unix time and `mac` the first 7 bytes of HMAC-SHA256(key,
/// prefix + issued + client IP): 28 characters. It is that short so that the 401
/// challenge to the smallest Allocate stays within three times its size (the relay must
/// not be a reflector, docs/relay.md "Security"); a 56-bit MAC still cannot be guessed
/// online within the validity window. The prefix is the RFC 8489 §9.2 nonce cookie with
/// the "Password algorithms" feature bit set, announcing PASSWORD-ALGORITHMS for bid-down
/// protection (§9.2.1). Nothing is stored per client: a nonce is valid while its MAC
/// matches the client's address and it is younger than `validity`; otherwise it is stale
/// and the request gets 438 with a fresh one.
struct NonceIssuer: Sendable {
    static let cookie = "obMatJos2"
    /// Base64 of the 24 feature bits with only bit 0 (password algorithms) set.
    static let features = "gAAA"
    private static let prefix = cookie + features
    private static let macLength = 7
    /// 4 + 7 bytes in base64 without its one padding character.
    static let length = prefix.utf8.count + 15

    private let key: SymmetricKey
    let validity: Duration
    /// Tolerated clock difference between nodes sharing the secret.
    private let futureSkew: Double = 5

    init(secret: TURNSecret, validity: Duration = .seconds(600)) {
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(secret.value.utf8)),
            info: Array("notrack nonce v1".utf8), outputByteCount: 32)
        self.validity = validity
    }

    func issue(for client: IPAddress, now: Date) -> String {
        var issued: [UInt8] = []
        issued.appendUInt32(UInt32(clamping: Int64(max(now.timeIntervalSince1970, 0))))
        return Self.prefix + String(Base64.encode(issued + mac(issued: issued, client: client)).dropLast())
    }

    /// `true` while the nonce is authentic for this client and fresh.
    func isValid(_ nonce: String, for client: IPAddress, now: Date) -> Bool {
        guard nonce.utf8.count == Self.length, nonce.hasPrefix(Self.prefix),
              let decoded = Data(base64Encoded: String(nonce.dropFirst(Self.prefix.count)) + "="),
              decoded.count == 4 + Self.macLength
        else { return false }
        let bytes = Array(decoded)
        let issued = Array(bytes[0..<4])
        guard MessageIntegrity.equal(mac(issued: issued, client: client), bytes[4...]) else { return false }
        let seconds = issued.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let age = now.timeIntervalSince1970 - Double(seconds)
        return age >= -futureSkew && age < Double(validity.components.seconds)
    }

    private func mac(issued: [UInt8], client: IPAddress) -> [UInt8] {
        var input = Array(Self.prefix.utf8) + issued
        input.append(client.family.rawValue)
        input.append(contentsOf: client.bytes)
        return Array(HMAC<SHA256>.authenticationCode(for: input, using: key).prefix(Self.macLength))
    }
}
