import Foundation

/// Lifetime arithmetic and the checks every request on an existing
/// allocation shares (RFC 8656 §5, §7.2, §8.2).
extension TURNServer {
    /// RFC 8656 §7.2 / §8.2 (RFC 5766 §7.2 wording): the smaller of the
    /// requested and maximum lifetimes, but never below the default.
    func grantedLifetime(_ message: STUNMessage) -> Duration {
        guard case .lifetime(let seconds)? = message.first(.lifetime) else { return configuration.defaultLifetime }
        return max(configuration.defaultLifetime, min(.seconds(seconds), configuration.maximumLifetime))
    }

    /// The allocation a Refresh, CreatePermission or ChannelBind acts on, or
    /// the error response: 437 without one, 441 for another user's
    /// credentials, 401 once the REST username expired and the allocation
    /// reached `maximumAllocationAge` (DESIGN.md: calls never drop mid-call,
    /// but allocations do not live forever on stale credentials).
    mutating func existingAllocation(
        for message: STUNMessage, from fiveTuple: FiveTuple, credentials: VerifiedCredentials, now: Date
    ) -> Result<Allocation, RequestRefusal> {
        let result = checkExisting(message, from: fiveTuple, credentials: credentials, now: now)
        if case .failure(let refusal) = result, let reason = refusal.authFailure {
            statistics.authFailures[reason, default: 0] += 1
        }
        return result
    }

    private func checkExisting(
        _ message: STUNMessage, from fiveTuple: FiveTuple, credentials: VerifiedCredentials, now: Date
    ) -> Result<Allocation, RequestRefusal> {
        guard let allocation = allocations[fiveTuple] else {
            return .failure(RequestRefusal(errorResponse(to: message, .allocationMismatch, credentials: credentials)))
        }
        guard allocation.username == credentials.username else {
            return .failure(RequestRefusal(
                errorResponse(to: message, .wrongCredentials, credentials: credentials), authFailure: .wrongUser))
        }
        if credentials.rest.isExpired(at: now), now >= ageLimit(of: allocation) {
            return .failure(RequestRefusal(
                challenge(message, .unauthorized, client: fiveTuple.client.ip, now: now), authFailure: .expiredUsername))
        }
        return .success(allocation)
    }

    func ageLimit(of allocation: Allocation) -> Date {
        allocation.createdAt.addingTimeInterval(configuration.maximumAllocationAge.seconds)
    }

    /// A lifetime shortened so that an allocation on expired credentials
    /// ends at its age limit.
    func cappedLifetime(_ lifetime: Duration, for allocation: Allocation, credentials: VerifiedCredentials, now: Date) -> Duration {
        guard credentials.rest.isExpired(at: now) else { return lifetime }
        let remaining = ageLimit(of: allocation).timeIntervalSince(now)
        return min(lifetime, .seconds(Int64(max(remaining, 0).rounded(.down))))
    }
}

/// An error response already encoded, carried out of a check.
struct RequestRefusal: Error, Sendable {
    var response: [UInt8]
    var authFailure: TURNStatistics.AuthFailure?
    init(_ response: [UInt8], authFailure: TURNStatistics.AuthFailure? = nil) {
        self.response = response
        self.authFailure = authFailure
    }
}
