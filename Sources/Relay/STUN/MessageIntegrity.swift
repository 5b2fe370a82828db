import Crypto

/// The key of MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 (RFC 8489 §9).
///
/// Derive it once per credential and keep it: hashing per packet is wasted work.
struct STUNIntegrityKey: Hashable, Sendable {
    let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Short-term credentials: the SASLprep-ed password itself (RFC 8489 §9.1.1).
    static func shortTerm(password: String) -> STUNIntegrityKey {
        STUNIntegrityKey(bytes: Array(SASLprep.prepare(password).utf8))
    }

    /// Long-term credentials (RFC 8489 §9.2.2): MD5 or SHA-256 of
    /// `username ":" realm ":" password`, realm and password SASLprep-ed.
    /// `nil` for a password algorithm this server does not implement.
    static func longTerm(
        username: String, realm: String, password: String, algorithm: PasswordAlgorithm = .md5
    ) -> STUNIntegrityKey? {
        let input = Array("\(username):\(SASLprep.prepare(realm)):\(SASLprep.prepare(password))".utf8)
        switch algorithm.number {
        case PasswordAlgorithm.md5.number:
            return STUNIntegrityKey(bytes: Array(Insecure.MD5.hash(data: input)))
        case PasswordAlgorithm.sha256.number:
            return STUNIntegrityKey(bytes: Array(SHA256.hash(data: input)))
        default:
            return nil
        }
    }
}

/// Which integrity attributes to add when encoding (RFC 8489 §14.5–14.6).
enum STUNIntegrity: Hashable, Sendable {
    /// MESSAGE-INTEGRITY (HMAC-SHA1, 20 bytes).
    case sha1(STUNIntegrityKey)
    /// MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, 32 bytes).
    case sha256(STUNIntegrityKey)
    /// Both, MESSAGE-INTEGRITY first, as RFC 8489 §14.6 orders them.
    case sha1AndSHA256(STUNIntegrityKey)
}

/// The HMACs themselves, computed over a message prefix whose header length
/// field is rewritten to end at the integrity attribute (RFC 8489 §14.5).
enum MessageIntegrity {
    static let sha1Length = 20
    static let sha256Length = 32

    /// HMAC over `bytes[0..<end]` with the header's length set to
    /// `claimedEnd - 20`, where `claimedEnd` is where the integrity attribute ends.
    static func sha1(_ bytes: [UInt8], end: Int, claimedEnd: Int, key: STUNIntegrityKey) -> [UInt8] {
        var hmac = HMAC<Insecure.SHA1>(key: SymmetricKey(data: key.bytes))
        feed(&hmac, bytes, end: end, claimedEnd: claimedEnd)
        return Array(hmac.finalize())
    }

    static func sha256(_ bytes: [UInt8], end: Int, claimedEnd: Int, key: STUNIntegrityKey) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key.bytes))
        feed(&hmac, bytes, end: end, claimedEnd: claimedEnd)
        return Array(hmac.finalize())
    }

    private static func feed<H: HashFunction>(_ hmac: inout HMAC<H>, _ bytes: [UInt8], end: Int, claimedEnd: Int) {
        let length = UInt16(truncatingIfNeeded: claimedEnd - STUNMessage.headerLength)
        hmac.update(data: bytes[0..<2])
        hmac.update(data: [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)])
        hmac.update(data: bytes[4..<end])
    }

    /// Constant-time comparison, so that timing does not leak how many leading
    /// bytes of a forged HMAC were right.
    static func equal(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
