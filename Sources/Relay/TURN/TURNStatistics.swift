/// Counters the state machine keeps as plain integers, so the core stays
/// free of swift-metrics and the per-packet path costs an addition. The I/O
/// layer reports differences between snapshots to its metrics factory.
struct TURNStatistics: Hashable, Sendable {
    /// Why a request failed authentication (label of `turn_auth_failures_total`).
    enum AuthFailure: String, Hashable, Sendable, CaseIterable {
        /// No MESSAGE-INTEGRITY: the normal first round trip, not an attack.
        case challenged
        case badRequest = "bad_request"
        case staleNonce = "stale_nonce"
        case unknownUser = "unknown_user"
        case wrongPassword = "wrong_password"
        case expiredUsername = "expired_username"
        case wrongUser = "wrong_user"
    }

    /// Why the relay closed a client's TCP/TLS connection (label of
    /// `turn_connections_closed_total`).
    enum StreamClose: String, Hashable, Sendable, CaseIterable {
        /// Its address, or the relay, held as many connections as allowed.
        case limit
        /// Silent, with no allocation.
        case idle
    }

    var allocationsCreated = 0
    /// Refused Allocate requests by STUN error code.
    var allocationsRefused: [UInt16: Int] = [:]
    var authFailures: [AuthFailure: Int] = [:]
    var drops: [DropReason: Int] = [:]
    var streamsClosed: [StreamClose: Int] = [:]
    var clientToPeerPackets = 0
    var clientToPeerBytes = 0
    var peerToClientPackets = 0
    var peerToClientBytes = 0

    mutating func recordDrop(_ reason: DropReason) {
        drops[reason, default: 0] += 1
    }
}
