import Crypto

/// The shared secret of TURN REST-API credentials: the key of
/// `base64(HMAC-SHA1(secret, username))`, known to coturn as
/// `static-auth-secret` (draft-uberti-behave-turn-rest-00 §2.2).
///
/// The HMAC key is the UTF-8 bytes of `value`, as coturn uses its
/// `static-auth-secret` string, so the same text configures either server.
public struct TURNSecret: Hashable, Sendable {
    public let value: String

    /// Uses an operator-supplied secret (`NOTRACK_RELAY_AUTH_SECRET`), for
    /// joining an existing coturn fleet.
    public init(_ value: String) {
        self.value = value
    }

    static let derivationSalt = Array("notrack turn secret salt v1".utf8)
    static let derivationInfo = Array("notrack turn secret v1".utf8)

    /// Derives the TURN secret from the JWT signing secret (DESIGN.md, "One
    /// secret, two uses"): HKDF-SHA256 (RFC 5869) with salt
    /// `"notrack turn secret salt v1"`, info `"notrack turn secret v1"` and 32
    /// bytes of output, written as 64 lower-case hex digits.
    ///
    /// HKDF is one-way, so a TURN node holding only this value cannot mint JWTs.
    /// Changing the salt or info string changes every node's secret: bump the
    /// version suffix only together with a documented migration.
    public static func derived(fromJWTSecret jwtSecret: some Sequence<UInt8>) -> TURNSecret {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(jwtSecret)),
            salt: derivationSalt, info: derivationInfo, outputByteCount: 32)
        let hex = key.withUnsafeBytes { bytes in
            bytes.map { byte in
                let digits = Array("0123456789abcdef".utf8)
                return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
            }.joined()
        }
        return TURNSecret(hex)
    }

    /// `base64(HMAC-SHA1(secret, username))`: the password of a REST username.
    func password(for username: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(username.utf8), using: SymmetricKey(data: Array(value.utf8)))
        return Base64.encode(Array(mac))
    }
}

extension TURNSecret: CustomStringConvertible {
    /// Redacted so that logging a configuration never prints the secret.
    public var description: String { "TURNSecret(<redacted>)" }
}
