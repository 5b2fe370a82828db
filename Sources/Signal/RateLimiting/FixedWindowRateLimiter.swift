import Foundation

/// A rate limit: at most `limit` requests per client in each `window`.
public struct RateLimit: Sendable, Equatable {
    public var limit: Int
    public var window: Duration

    public init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    var windowSeconds: TimeInterval { window.timeInterval }
}

/// A fixed-window counter per client, as express-rate-limit counts: a client's window opens
/// with its first request and allows `limit` requests until it closes.
///
/// A pure value: the caller passes `now` and keeps the state in one place (a `Mutex`).
/// Memory is bounded: expired windows are swept once the table grows past `sweepThreshold`,
/// and if every window is live the client is refused rather than tracked without bound.
struct FixedWindowRateLimiter: Sendable {
    typealias Policy = RateLimit

    /// What one request learns: whether it may proceed, and the numbers for the
    /// `X-RateLimit-*` headers.
    struct Decision: Sendable, Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        var resetAt: Date

        /// Whole seconds until the window closes, for `Retry-After`.
        func retryAfter(now: Date) -> Int {
            max(1, Int(resetAt.timeIntervalSince(now).rounded(.up)))
        }
    }

    private struct Window {
        var count: Int
        var resetAt: Date
    }

    let policy: Policy
    let maximumClients: Int
    private var windows: [String: Window] = [:]

    init(policy: Policy, maximumClients: Int = 100_000) {
        self.policy = policy
        self.maximumClients = maximumClients
    }

    var trackedClients: Int { windows.count }

    /// Drops a client's window (a connection that closed), so its entry does not linger.
    mutating func forget(_ client: String) {
        windows[client] = nil
    }

    mutating func hit(_ client: String, now: Date) -> Decision {
        var window = windows[client].flatMap { $0.resetAt > now ? $0 : nil }
            ?? Window(count: 0, resetAt: now.addingTimeInterval(policy.windowSeconds))
        if windows[client] == nil && windows.count >= maximumClients {
            windows = windows.filter { $0.value.resetAt > now }
            if windows.count >= maximumClients {
                return Decision(allowed: false, limit: policy.limit, remaining: 0, resetAt: window.resetAt)
            }
        }
        window.count += 1
        windows[client] = window
        return Decision(
            allowed: window.count <= policy.limit,
            limit: policy.limit,
            remaining: max(0, policy.limit - window.count),
            resetAt: window.resetAt)
    }
}
