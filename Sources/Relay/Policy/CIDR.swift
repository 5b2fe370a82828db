/// An IP network in CIDR notation (RFC 4632 §3.1, RFC 4291 §2.3):
/// `10.0.0.0/8`, `fd00::/8`; a bare address means a single host.
public struct CIDR: Hashable, Sendable {
    public let network: IPAddress
    public let prefixLength: Int

    /// Why a CIDR string was refused, phrased for an operator's config error.
    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        case invalidAddress(String)
        case invalidPrefixLength(String)
        /// Bits set beyond the prefix, e.g. `10.0.0.1/8`; carries the network meant.
        case hostBitsSet(suggestion: String)

        public var description: String {
            switch self {
            case .invalidAddress(let text): "'\(text)' is not an IPv4 or IPv6 address"
            case .invalidPrefixLength(let text): "'\(text)' is not a valid prefix length"
            case .hostBitsSet(let suggestion): "address has bits set beyond the prefix; did you mean \(suggestion)?"
            }
        }
    }

    public init(_ text: String) throws(ParseError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = parts[0].trimmingWhitespace()
        guard let address = IPAddress(addressText) else { throw .invalidAddress(String(addressText)) }
        let maximum = address.family == .ipv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            let lengthText = parts[1].trimmingWhitespace()
            guard lengthText.count <= 3, lengthText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let parsed = Int(lengthText), parsed <= maximum
            else { throw .invalidPrefixLength(String(lengthText)) }
            length = parsed
        }
        let network = Self.mask(address, length)
        guard network == address else {
            throw .hostBitsSet(suggestion: "\(network)/\(length)")
        }
        self.network = network
        self.prefixLength = length
    }

    init(unchecked text: String) {
        // Only for the built-in tables, whose literals are tested.
        do { self = try CIDR(text) } catch { preconditionFailure("bad built-in CIDR \(text): \(error)") }
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.family == network.family && Self.mask(address, prefixLength) == network
    }

    private static func mask(_ address: IPAddress, _ length: Int) -> IPAddress {
        switch address {
        case .v4(let v4):
            let mask: UInt32 = length == 0 ? 0 : ~0 << UInt32(32 - length)
            return .v4(IPv4Address(v4.value & mask))
        case .v6(let v6):
            let highMask: UInt64 = length == 0 ? 0 : length >= 64 ? ~0 : ~0 << UInt64(64 - length)
            let lowMask: UInt64 = length <= 64 ? 0 : length == 128 ? ~0 : ~0 << UInt64(128 - length)
            return .v6(IPv6Address(high: v6.high & highMask, low: v6.low & lowMask))
        }
    }
}

extension CIDR: CustomStringConvertible {
    public var description: String { "\(network)/\(prefixLength)" }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return self[first...last]
    }
}
