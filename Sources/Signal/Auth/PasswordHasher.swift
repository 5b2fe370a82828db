import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing on NIO's blocking thread pool: a cost-12 hash takes a quarter of a second,
/// which must never stall an event loop.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost; 12 or more in the product.
    public let cost: UInt8
    /// A well-formed hash at the same cost as real hashes that no password produces in
    /// practice: verifying against it costs exactly one real verification. Built from a
    /// fixed salt rather than computed, so creating a hasher (every `users` command) is free.
    var decoyHash: String {
        "$2b$" + (cost < 10 ? "0" : "") + "\(cost)$" + "NoTrackDecoySalt.ForUnknownUsers.NothingHashesToThis."
    }

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Spends the same time as a real verification when the user does not exist, so the
    /// answer time does not tell an attacker which usernames are registered.
    public func verifyAgainstNothing(_ password: String) async throws {
        _ = try await verify(password, hash: decoyHash)
    }
}
