import Foundation
import JWTKit

/// The claims of a NoTrack token: `{extension, sub, iat, exp}` (DESIGN.md, "Credentials").
///
/// `sub` is `user:<id>` for a registered account and `guest:<extension>` for a guest, so a
/// token never carries the user's email address.
public struct SessionClaims: JWTPayload, Equatable {
    public var `extension`: ExtensionNumber
    public var sub: SubjectClaim
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim

    public var isGuest: Bool { sub.value.hasPrefix("guest:") }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
