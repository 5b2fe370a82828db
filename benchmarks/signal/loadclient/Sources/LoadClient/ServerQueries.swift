import Foundation
import NIOCore

/// One guest account: the token that authenticates its Socket.IO connection, and the
/// extension the other party's events name (`from`, `targetExtension`).
struct GuestToken: Decodable, Sendable {
    let token: String
    let `extension`: String
}

/// What the client asks the server over plain HTTP.
enum ServerQueries {
    /// `POST /api/auth/guest` with an empty body.
    static func guestToken(from server: ServerAddress, group: EventLoopGroup) async throws -> GuestToken {
        let answer = try await HTTPExchange.send(.POST, "/api/auth/guest", to: server, group: group)
        guard answer.status == .ok else {
            throw LoadClientError("POST /api/auth/guest: HTTP \(answer.status.code) \(answer.body.prefix(200))")
        }
        guard let token = try? JSONDecoder().decode(GuestToken.self, from: Data(answer.body.utf8)),
            !token.token.isEmpty, !token.extension.isEmpty
        else { throw LoadClientError("POST /api/auth/guest: not a {token, extension} answer: \(answer.body.prefix(200))") }
        return token
    }

    /// The server's `socketio_event_relay_seconds` histogram from `/metrics`, bucket bound
    /// (`le`) → cumulative count; `nil` when it has none (no relay timed yet, or a server
    /// without that metric), as sioload.py's `server_relay_buckets`.
    static func relayBuckets(from server: ServerAddress, group: EventLoopGroup) async throws -> [String: Int]? {
        let answer = try await HTTPExchange.send(.GET, "/metrics", to: server, group: group)
        guard answer.status == .ok else { return nil }
        let buckets = parseRelayBuckets(answer.body)
        return buckets.isEmpty ? nil : buckets
    }

    static let relayBucketPrefix = "socketio_event_relay_seconds_bucket{le=\""

    static func parseRelayBuckets(_ exposition: String) -> [String: Int] {
        var buckets: [String: Int] = [:]
        for line in exposition.split(separator: "\n") where line.hasPrefix(relayBucketPrefix) {
            let rest = line.dropFirst(relayBucketPrefix.count)
            guard let end = rest.range(of: "\"} "), let count = Double(rest[end.upperBound...]) else { continue }
            buckets[String(rest[..<end.lowerBound])] = Int(count)
        }
        return buckets
    }

    /// The buckets' counts over a phase, `after` less `before`, in the exposition's order
    /// of bounds.
    static func difference(_ after: [String: Int]?, _ before: [String: Int]?) -> [Report.Bucket]? {
        after.map { after in
            after.map { Report.Bucket(le: $0.key, count: $0.value - (before?[$0.key] ?? 0)) }
                .sorted { (Double($0.le) ?? .infinity) < (Double($1.le) ?? .infinity) }
        }
    }
}
