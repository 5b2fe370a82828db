import Foundation

/// A time-limited TURN credential, as handed to a browser in `iceServers`.
public struct TURNCredential: Hashable, Sendable {
    /// `"<unix-expiry>:<user>"`.
    public var username: String
    /// `base64(HMAC-SHA1(turnSecret, username))`.
    public var credential: String
    public var expiry: Date
}

/// Mints TURN REST-API credentials (draft-uberti-behave-turn-rest-00) from the
/// TURN secret: what `GET /api/turn/credentials` and
/// `notrack turn-credentials` hand out, and what the relay checks.
public struct TURNCredentialMinter: Sendable {
    public let secret: TURNSecret

    public init(secret: TURNSecret) {
        self.secret = secret
    }

    /// A credential for `user` valid for `ttl` from `now`, expiry rounded
    /// down to the second as the username carries whole seconds.
    public func mint(user: String, ttl: Duration, now: Date) -> TURNCredential {
        let seconds = max(ttl.components.seconds, 0)
        let expiry = Int64(now.timeIntervalSince1970.rounded(.down)) + seconds
        let username = TURNRESTUsername(expiry: expiry, user: user).text
        return TURNCredential(
            username: username, credential: secret.password(for: username),
            expiry: Date(timeIntervalSince1970: Double(expiry)))
    }

    /// The password that a REST username must be used with.
    public func password(for username: String) -> String {
        secret.password(for: username)
    }

    /// Checks a username/password pair as a TURN client would present it.
    public func verify(username: String, password: String, now: Date) -> TURNCredentialVerdict {
        guard let parsed = TURNRESTUsername(username) else { return .malformedUsername }
        guard MessageIntegrity.equal(Array(secret.password(for: username).utf8), Array(password.utf8)) else {
            return .wrongPassword
        }
        return parsed.isExpired(at: now) ? .expired : .valid(parsed)
    }
}

/// The result of checking a REST credential outside STUN (e.g. by the CLI).
public enum TURNCredentialVerdict: Hashable, Sendable {
    case valid(TURNRESTUsername)
    case malformedUsername
    case wrongPassword
    case expired
}
