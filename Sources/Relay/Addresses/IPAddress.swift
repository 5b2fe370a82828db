/// An IPv4 address, held as its 32-bit big-endian value.
///
/// Part of the relay's own address vocabulary so that the protocol core never
/// needs NIO's `SocketAddress` (which owns a `sockaddr` and allocates).
public struct IPv4Address: Hashable, Sendable, Comparable {
    /// The address as a host-order integer: `10.0.0.1` is `0x0A00_0001`.
    public var value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// The four octets in network order.
    public var bytes: [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}

/// An IPv6 address, held as two 64-bit halves so that it hashes and compares
/// without touching the heap.
public struct IPv6Address: Hashable, Sendable, Comparable {
    /// The first 64 bits, in host order.
    public var high: UInt64
    /// The last 64 bits, in host order.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Builds an address from exactly 16 network-order bytes; `nil` otherwise.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 {
                high = high << 8 | UInt64(byte)
            } else {
                low = low << 8 | UInt64(byte)
            }
        }
        self.init(high: high, low: low)
    }

    /// The sixteen octets in network order.
    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) {
            result.append(UInt8(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            result.append(UInt8(truncatingIfNeeded: low >> UInt64(shift)))
        }
        return result
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// An IP address of either family (RFC 8489 §14.1 families 0x01 and 0x02).
public enum IPAddress: Hashable, Sendable {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// The address family as STUN encodes it (RFC 8489 §14.1).
    public var family: AddressFamily {
        switch self {
        case .v4: .ipv4
        case .v6: .ipv6
        }
    }

    /// The address octets in network order (4 or 16 bytes).
    public var bytes: [UInt8] {
        switch self {
        case .v4(let address): address.bytes
        case .v6(let address): address.bytes
        }
    }
}

/// The address family codes shared by STUN address attributes and
/// REQUESTED-ADDRESS-FAMILY (RFC 8489 §14.1, RFC 8656 §18.6).
public enum AddressFamily: UInt8, Hashable, Sendable {
    case ipv4 = 0x01
    case ipv6 = 0x02
}
