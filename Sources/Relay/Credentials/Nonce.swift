import Crypto
import Foundation

/// Issues and checks stateless, expiring NONCE values (RFC 8489 §9.2).
///
/// A nonce is `"obMatJos2" + "gAAA" + hex(issued, 8) + hex(mac, 16)` where
/// `mac` is the first 8 bytes of HMAC-SHA256(key, prefix + issued + client
/// IP): 37 characters, short so that the unauthenticated 401 stays small
/// (the relay must not be a good reflector), yet a 64-bit MAC cannot be
/// guessed online within the validity window. The prefix is the RFC 8489 §9.2 nonce cookie with the "Password
/// algorithms" feature bit set, announcing PASSWORD-ALGORITHMS for bid-down
/// protection (§9.2.1). Nothing is stored per client: a nonce is valid while
/// its MAC matches the client's address and it is younger than `validity`;
/// otherwise it is stale and the request gets 438 with a fresh one.
struct NonceIssuer: Sendable {
    static let cookie = "obMatJos2"
    /// Base64 of the 24 feature bits with only bit 0 (password algorithms) set.
    static let features = "gAAA"
    private static let prefix = cookie + features

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
        let issued = UInt32(clamping: Int64(max(now.timeIntervalSince1970, 0)))
        let issuedHex = Self.hex(issued)
        return Self.prefix + issuedHex + Self.hex(mac(issuedHex: issuedHex, client: client))
    }

    /// `true` while the nonce is authentic for this client and fresh.
    func isValid(_ nonce: String, for client: IPAddress, now: Date) -> Bool {
        let utf8 = Array(nonce.utf8)
        let prefixLength = Self.prefix.utf8.count
        guard utf8.count == prefixLength + 8 + 16, utf8.starts(with: Self.prefix.utf8) else { return false }
        let issuedHex = String(decoding: utf8[prefixLength..<(prefixLength + 8)], as: UTF8.self)
        guard let issued = UInt32(issuedHex, radix: 16) else { return false }
        let expected = Array(Self.hex(mac(issuedHex: issuedHex, client: client)).utf8)
        guard MessageIntegrity.equal(expected, utf8[(prefixLength + 8)...]) else { return false }
        let age = now.timeIntervalSince1970 - Double(issued)
        return age >= -futureSkew && age < Double(validity.components.seconds)
    }

    private func mac(issuedHex: String, client: IPAddress) -> [UInt8] {
        var input = Array((Self.prefix + issuedHex).utf8)
        input.append(client.family.rawValue)
        input.append(contentsOf: client.bytes)
        return Array(HMAC<SHA256>.authenticationCode(for: input, using: key).prefix(8))
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}
