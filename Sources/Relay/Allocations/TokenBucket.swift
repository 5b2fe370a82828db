import Foundation

/// A token bucket that caps an allocation's relayed bytes per second
/// (DESIGN.md "a bandwidth cap per allocation"). Pure: it takes `now`.
struct TokenBucket: Hashable, Sendable {
    let bytesPerSecond: Double
    let burst: Double
    private var tokens: Double
    private var updated: Date

    /// `burst` defaults to one second's worth, enough for jitter in audio.
    init(bytesPerSecond: Int, burst: Int? = nil, now: Date) {
        self.bytesPerSecond = Double(max(bytesPerSecond, 1))
        self.burst = Double(max(burst ?? bytesPerSecond, 1))
        self.tokens = self.burst
        self.updated = now
    }

    /// Takes `bytes` tokens if available; `false` means drop the packet.
    mutating func consume(_ bytes: Int, now: Date) -> Bool {
        let elapsed = now.timeIntervalSince(updated)
        if elapsed > 0 {
            tokens = min(burst, tokens + elapsed * bytesPerSecond)
            updated = now
        }
        guard tokens >= Double(bytes) else { return false }
        tokens -= Double(bytes)
        return true
    }
}
