import NIOCore

@testable import Relay

/// Bytes from a hex string; whitespace ignored. Test-only, traps on bad input.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter(\.isHexDigit)
    precondition(digits.count % 2 == 0, "odd hex string")
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

func ipv4(_ text: String) -> IPAddress { IPAddress(text)! }
func address(_ text: String, _ port: UInt16) -> TransportAddress {
    TransportAddress(ip: IPAddress(text)!, port: port)
}

/// A deterministic generator for bounded property tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RelayServer {
    /// The listeners' addresses once `run()` has bound them; empty if it has not within 2 s.
    func awaitListeningAddresses() async throws -> [SocketAddress] {
        for _ in 0..<200 {
            let addresses = listeningAddresses
            if !addresses.isEmpty { return addresses }
            try await Task.sleep(for: .milliseconds(10))
        }
        return []
    }
}
