/// How many TCP connections the relay holds per client address and in total, so that
/// idle sockets from one host, or from many, cannot use up the descriptors the relay
/// and the API share (docs/relay.md "Security"). IPv6 clients count by their /64: one
/// host usually owns a whole /64 and can pick any address in it.
struct ConnectionQuota: Hashable, Sendable {
    let maximumPerAddress: Int
    let maximum: Int
    private var perAddress: [IPAddress: Int] = [:]
    private(set) var total = 0

    init(maximumPerAddress: Int, maximum: Int) {
        self.maximumPerAddress = maximumPerAddress
        self.maximum = maximum
    }

    /// Counts a new connection from `client`; `false` means close it at once.
    mutating func admit(_ client: IPAddress) -> Bool {
        let key = Self.key(client)
        guard total < maximum, perAddress[key, default: 0] < maximumPerAddress else { return false }
        perAddress[key, default: 0] += 1
        total += 1
        return true
    }

    /// An admitted connection from `client` closed.
    mutating func release(_ client: IPAddress) {
        let key = Self.key(client)
        guard let count = perAddress[key] else { return }
        perAddress[key] = count > 1 ? count - 1 : nil
        total -= 1
    }

    func count(for client: IPAddress) -> Int {
        perAddress[Self.key(client), default: 0]
    }

    static func key(_ address: IPAddress) -> IPAddress {
        guard case .v6(let v6) = address else { return address }
        return .v6(IPv6Address(high: v6.high, low: 0))
    }
}
