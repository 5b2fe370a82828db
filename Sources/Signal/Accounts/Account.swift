import Foundation

/// A registered user: an email-address username, a bcrypt password hash and the extension
/// the user keeps for life.
public struct Account: Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var passwordHash: String
    public var `extension`: ExtensionNumber
    public var createdAt: Date
    /// Bumped by every password change: tokens issued with an older one are refused.
    public var tokenGeneration: Int = 0
}

/// Why the account store refused a change.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    case usernameTaken
    case notFound
    /// Every extension is taken; with a million numbers this means something is wrong.
    case noFreeExtension

    public var description: String {
        switch self {
        case .usernameTaken: "username already exists"
        case .notFound: "no such user"
        case .noFreeExtension: "no free extension left"
        }
    }
}
