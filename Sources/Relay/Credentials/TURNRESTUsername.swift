import Foundation

/// A TURN REST-API username, `"<unix-expiry>:<user>"`
/// (draft-uberti-behave-turn-rest-00 §2.2), the form coturn, eturnal and pion
/// read. The user part may itself contain colons.
public struct TURNRESTUsername: Hashable, Sendable {
    /// Seconds since 1970 after which the credential no longer opens an allocation.
    public var expiry: Int64
    public var user: String

    public init(expiry: Int64, user: String) {
        self.expiry = expiry
        self.user = user
    }

    /// Parses a username as received in USERNAME; `nil` when the part before
    /// the first colon is not a plain decimal timestamp.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let digits = parts.first, (1...18).contains(digits.count),
              digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let expiry = Int64(digits)
        else { return nil }
        self.init(expiry: expiry, user: parts.count == 2 ? String(parts[1]) : "")
    }

    public var text: String { "\(expiry):\(user)" }

    public func isExpired(at now: Date) -> Bool {
        Double(expiry) <= now.timeIntervalSince1970
    }
}
