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
/// Every window lasts as long, so the order windows open in is the order they close in:
/// a FIFO of openings finds the closed ones at its head without scanning the table, and
/// when the table is full the oldest window makes room for a newcomer (it is the one
/// nearest its end), so a flood of new addresses cannot lock everyone else out.
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
    /// Windows in the order they opened; an entry whose client has since opened a newer
    /// window (or was forgotten) is stale and skipped.
    private var openings: [(client: String, resetAt: Date)] = []
    private var head = 0

    init(policy: Policy, maximumClients: Int = 100_000) {
        self.policy = policy
        self.maximumClients = max(maximumClients, 1)
    }

    var trackedClients: Int { windows.count }

    /// Drops a client's window (a connection that closed), so its entry does not linger.
    mutating func forget(_ client: String) {
        windows[client] = nil
    }

    mutating func hit(_ client: String, now: Date) -> Decision {
        sweep(now: now)
        var window: Window
        if let open = windows[client] {
            window = open
        } else {
            if windows.count >= maximumClients { evictOldest() }
            window = Window(count: 0, resetAt: now.addingTimeInterval(policy.windowSeconds))
            openings.append((client, window.resetAt))
        }
        window.count += 1
        windows[client] = window
        return Decision(
            allowed: window.count <= policy.limit,
            limit: policy.limit,
            remaining: max(0, policy.limit - window.count),
            resetAt: window.resetAt)
    }

    /// Drops the windows that have closed; cheap enough to call on every hit and on a timer.
    mutating func sweep(now: Date) {
        while head < openings.count, openings[head].resetAt <= now {
            dropHead()
        }
        compact()
    }

    private mutating func evictOldest() {
        while head < openings.count {
            let live = windows[openings[head].client]?.resetAt == openings[head].resetAt
            dropHead()
            if live { return }
        }
    }

    private mutating func dropHead() {
        let (client, resetAt) = openings[head]
        if windows[client]?.resetAt == resetAt { windows[client] = nil }
        head += 1
    }

    private mutating func compact() {
        guard head > 1024, head * 2 > openings.count else { return }
        openings.removeFirst(head)
        head = 0
    }
}
