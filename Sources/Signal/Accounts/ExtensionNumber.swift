/// A phone extension, `XXX-XXX` with X a digit (API reference, "Extension Format").
///
/// Extensions are how users dial each other; each registered user keeps one for life.
public struct ExtensionNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts exactly three digits, a hyphen and three digits.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 7, bytes[3] == UInt8(ascii: "-"),
            bytes.enumerated().allSatisfy({ $0.offset == 3 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) })
        else { return nil }
        self.rawValue = text
    }

    public var description: String { rawValue }

    /// A uniformly random extension; callers retry on collision.
    static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> ExtensionNumber {
        let number = Int.random(in: 0..<1_000_000, using: &generator)
        let digits = String(number).leftPadded(to: 6)
        return ExtensionNumber("\(digits.prefix(3))-\(digits.suffix(3))")!
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = ExtensionNumber(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "extension must look like 123-456"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: Swift.max(0, length - count)) + self
    }
}
