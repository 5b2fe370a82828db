import Foundation
import JWTKit

/// The claims of a NoTrack token: `{extension, sub, iat, exp}` (DESIGN.md, "Credentials"),
/// and `gen`, the account's token generation when it was issued.
///
/// `sub` is `user:<id>` for a registered account and `guest:<extension>` for a guest, so a
/// token never carries the user's email address. A token without `gen` counts as
/// generation 0.
public struct SessionClaims: JWTPayload, Equatable {
    public var `extension`: ExtensionNumber
    public var sub: SubjectClaim
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    public var gen: Int?

    public var isGuest: Bool { sub.value.hasPrefix("guest:") }

    /// The account a registered user's token was issued for, with its generation.
    public var account: (id: Int64, generation: Int)? {
        guard sub.value.hasPrefix("user:"), let id = Int64(sub.value.dropFirst("user:".count)) else { return nil }
        return (id, gen ?? 0)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
