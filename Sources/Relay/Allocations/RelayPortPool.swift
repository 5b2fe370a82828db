/// The relayed UDP ports of one relay address (DESIGN.md: 49152–65535 by
/// default), as a bitmap: 8 KiB covers every port.
///
/// Ports are picked at random (RFC 8656 §7.2 recommends unpredictable relayed
/// ports), and `EVEN-PORT` asks for an even port, optionally with the next
/// one held back for a later Allocate carrying a RESERVATION-TOKEN.
struct RelayPortPool: Sendable {
    let range: ClosedRange<UInt16>
    private var used: [UInt64]
    private(set) var available: Int

    init(range: ClosedRange<UInt16>) {
        self.range = range
        self.used = Array(repeating: 0, count: (range.count + 63) / 64)
        self.available = range.count
    }

    func isFree(_ port: UInt16) -> Bool {
        guard range.contains(port) else { return false }
        let offset = Int(port - range.lowerBound)
        return used[offset / 64] & (1 << UInt64(offset % 64)) == 0
    }

    /// Marks a specific port used; `false` if taken or outside the range.
    mutating func take(_ port: UInt16) -> Bool {
        guard isFree(port) else { return false }
        let offset = Int(port - range.lowerBound)
        used[offset / 64] |= 1 << UInt64(offset % 64)
        available -= 1
        return true
    }

    mutating func release(_ port: UInt16) {
        guard range.contains(port), !isFree(port) else { return }
        let offset = Int(port - range.lowerBound)
        used[offset / 64] &= ~(1 << UInt64(offset % 64))
        available += 1
    }

    /// Takes a free port: any port, an even one, or an even one whose
    /// successor is free too (`pair`, taken as well). Starts at a random
    /// offset and scans, so it finds a port whenever one exists.
    mutating func takeRandom(even: Bool = false, pair: Bool = false) -> UInt16? {
        guard available >= (pair ? 2 : 1) else { return nil }
        let count = range.count
        let start = Int.random(in: 0..<count)
        for step in 0..<count {
            let port = range.lowerBound + UInt16((start + step) % count)
            if (even || pair), port % 2 != 0 { continue }
            guard isFree(port) else { continue }
            if pair {
                guard port < range.upperBound, isFree(port + 1) else { continue }
                _ = take(port + 1)
            }
            _ = take(port)
            return port
        }
        return nil
    }
}
