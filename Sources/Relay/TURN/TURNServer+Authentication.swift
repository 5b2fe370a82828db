import Foundation

/// The long-term credential mechanism (RFC 8489 §9.2) with TURN REST-API
/// usernames: who may use the relay, and the key its responses are signed with.
struct VerifiedCredentials: Hashable, Sendable {
    var username: String
    var rest: TURNRESTUsername
    var key: STUNIntegrityKey
    /// Answer with the same integrity attribute the request used (§9.2.4).
    var kind: STUNIntegrityKind
    /// Add FINGERPRINT to responses when the request carried one.
    var fingerprint: Bool
}

extension TURNServer {
    enum AuthenticationOutcome {
        case authenticated(VerifiedCredentials)
        case rejected([UInt8], TURNStatistics.AuthFailure)
    }

    /// The password algorithms offered in 401/438 (RFC 8489 §14.11), in
    /// order of preference. MD5 stays for every RFC 5389 client.
    static let passwordAlgorithms: [PasswordAlgorithm] = [.sha256, .md5]

    /// RFC 8489 §9.2.4, in its order: no integrity → 401; integrity without
    /// USERNAME, REALM or NONCE → 400; stale or forged nonce → 438; password
    /// algorithm bid-down → 400; unknown user or wrong HMAC → 401.
    func authenticate(_ received: ReceivedSTUNMessage, from fiveTuple: FiveTuple, now: Date) -> AuthenticationOutcome {
        let message = received.message
        let client = fiveTuple.client.ip
        guard received.integrityKind != nil else {
            return .rejected(challenge(message, .unauthorized, client: client, now: now), .challenged)
        }
        guard case .realm? = message.first(.realm), case .nonce(let nonce)? = message.first(.nonce) else {
            return .rejected(errorResponse(to: message, .badRequest), .badRequest)
        }
        guard case .username(let username)? = message.first(.username) else {
            // A USERHASH cannot be reversed into a REST username: unknown user.
            guard message.first(.userhash) != nil else {
                return .rejected(errorResponse(to: message, .badRequest), .badRequest)
            }
            return .rejected(challenge(message, .unauthorized, client: client, now: now), .unknownUser)
        }
        guard nonces.isValid(nonce, for: client, now: now) else {
            return .rejected(challenge(message, .staleNonce, client: client, now: now), .staleNonce)
        }
        guard let algorithm = negotiatedPasswordAlgorithm(message) else {
            return .rejected(errorResponse(to: message, .badRequest), .badRequest)
        }
        guard let rest = TURNRESTUsername(username),
              let key = STUNIntegrityKey.longTerm(
                  username: username, realm: configuration.realm,
                  password: configuration.secret.password(for: username), algorithm: algorithm)
        else {
            return .rejected(challenge(message, .unauthorized, client: client, now: now), .unknownUser)
        }
        guard case .valid(let kind) = received.verifyIntegrity(key: key) else {
            return .rejected(challenge(message, .unauthorized, client: client, now: now), .wrongPassword)
        }
        return .authenticated(VerifiedCredentials(
            username: username, rest: rest, key: key, kind: kind, fingerprint: received.hasFingerprint))
    }

    /// §9.2.4: PASSWORD-ALGORITHM and PASSWORD-ALGORITHMS come together, the
    /// list must be exactly the one this server sent (bid-down protection),
    /// and the choice must be in it. Neither present means MD5.
    private func negotiatedPasswordAlgorithm(_ message: STUNMessage) -> PasswordAlgorithm? {
        let chosen = message.first(.passwordAlgorithm)
        let offered = message.first(.passwordAlgorithms)
        switch (chosen, offered) {
        case (nil, nil):
            return .md5
        case (.passwordAlgorithm(let algorithm)?, .passwordAlgorithms(let list)?):
            guard list == Self.passwordAlgorithms, list.contains(algorithm) else { return nil }
            return algorithm
        default:
            return nil
        }
    }

    /// A 401 or 438 carrying REALM, a fresh NONCE and PASSWORD-ALGORITHMS,
    /// unsigned since the client's key is unknown or unproven (§9.2.4). A 401 has no
    /// reason phrase (§14.8 allows an empty one): with the default realm the 401 to the
    /// smallest Allocate (28 bytes) is then 84 bytes, three times its size. A 438 answers
    /// a signed request, larger than any challenge.
    func challenge(_ request: STUNMessage, _ error: STUNErrorCode, client: IPAddress, now: Date) -> [UInt8] {
        let error = error == .unauthorized ? STUNErrorCode(code: error.code, reason: "") : error
        return errorResponse(to: request, error, attributes: [
            .realm(configuration.realm),
            .nonce(nonces.issue(for: client, now: now)),
            .passwordAlgorithms(Self.passwordAlgorithms),
        ])
    }
}
