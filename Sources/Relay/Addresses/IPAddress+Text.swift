/// Text forms of IP addresses: dotted quad for IPv4 and RFC 4291 §2.2 /
/// RFC 5952 for IPv6. Parsing returns `nil` for anything malformed and never
/// traps, since addresses come from configuration files and the command line.
extension IPv4Address: CustomStringConvertible {
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let octet = UInt8(part),
                  part.count == 1 || part.first != "0"
            else { return nil }
            value = value << 8 | UInt32(octet)
        }
        self.init(value)
    }

    public var description: String {
        bytes.map(String.init).joined(separator: ".")
    }
}

extension IPv6Address: CustomStringConvertible {
    public init?(_ text: some StringProtocol) {
        var text = Substring(text)
        // A trailing dotted quad carries the last 32 bits (RFC 4291 §2.2 form 3).
        var tail: [UInt16] = []
        if let lastColon = text.lastIndex(of: ":"), text[lastColon...].contains(".") {
            guard let v4 = IPv4Address(text[text.index(after: lastColon)...]) else { return nil }
            tail = [UInt16(truncatingIfNeeded: v4.value >> 16), UInt16(truncatingIfNeeded: v4.value)]
            text = text[...lastColon]
            if text.hasSuffix("::") == false { text = text.dropLast() }
        }
        let halves = text.components(separatedByDoubleColon: ())
        guard let halves, halves.count <= 2 else { return nil }
        guard let head = Self.groups(halves[0]) else { return nil }
        var groups: [UInt16]
        if halves.count == 2 {
            guard let rest = Self.groups(halves[1]) else { return nil }
            let missing = 8 - head.count - rest.count - tail.count
            guard missing >= 1 else { return nil }
            groups = head + Array(repeating: 0, count: missing) + rest + tail
        } else {
            groups = head + tail
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, group) in groups.enumerated() {
            if index < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
        }
        self.init(high: high, low: low)
    }

    private static func groups(_ text: Substring) -> [UInt16]? {
        if text.isEmpty { return [] }
        var result: [UInt16] = []
        for part in text.split(separator: ":", omittingEmptySubsequences: false) {
            guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit),
                  let group = UInt16(part, radix: 16)
            else { return nil }
            result.append(group)
        }
        return result
    }

    /// The eight 16-bit groups, most significant first.
    var groups: [UInt16] {
        (0..<8).map { index in
            let half = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: half >> UInt64(48 - 16 * (index % 4)))
        }
    }

    /// The RFC 5952 canonical form: lower case, longest run of two or more zero
    /// groups compressed to `::`.
    public var description: String {
        let groups = self.groups
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength { bestStart = index; bestLength = end - index }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}

extension IPAddress: CustomStringConvertible {
    /// Parses either family; IPv6 may be written in brackets.
    public init?(_ text: some StringProtocol) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let v4 = IPv4Address(text) {
            self = .v4(v4)
        } else if text.contains(":"), let v6 = IPv6Address(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }
}

extension Substring {
    /// Splits at the single allowed `::`; `nil` if it appears twice.
    fileprivate func components(separatedByDoubleColon: Void) -> [Substring]? {
        guard let range = firstRange(of: "::") else { return [self] }
        let after = self[range.upperBound...]
        if after.contains("::") { return nil }
        return [self[..<range.lowerBound], after]
    }
}
