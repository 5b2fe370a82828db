/// How many HTTP connections (WebSockets included) the server holds per client address and
/// in total, so that idle sockets from one host, or from many, cannot use up the
/// descriptors the API and the relay share. Addresses count as the rate limiters count
/// them (`ClientAddress.rateLimitKey`: IPv6 by its /64); a trusted proxy's own address
/// counts only toward the total, since every client behind it shares it.
struct ConnectionCounts: Sendable {
    let maximumPerAddress: Int
    let maximum: Int
    private var perAddress: [String: Int] = [:]
    private(set) var total = 0

    init(maximumPerAddress: Int, maximum: Int) {
        self.maximumPerAddress = maximumPerAddress
        self.maximum = maximum
    }

    /// Counts a new connection; `false` means close it at once.
    mutating func admit(_ key: String, exempt: Bool = false) -> Bool {
        guard total < maximum else { return false }
        if !exempt {
            guard perAddress[key, default: 0] < maximumPerAddress else { return false }
            perAddress[key, default: 0] += 1
        }
        total += 1
        return true
    }

    /// An admitted connection closed.
    mutating func release(_ key: String, exempt: Bool = false) {
        total -= 1
        guard !exempt, let count = perAddress[key] else { return }
        perAddress[key] = count > 1 ? count - 1 : nil
    }

    func count(for key: String) -> Int {
        perAddress[key, default: 0]
    }
}
