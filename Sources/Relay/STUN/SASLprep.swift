import Foundation

/// SASLprep (RFC 4013), the string preparation RFC 5389 applies to passwords
/// and realms before hashing them into the long-term key (RFC 8489 §9.2.2
/// names its successor OpaqueString, RFC 8265, which agrees on every input a
/// TURN deployment meets). Used only when a key is derived, never per packet.
///
/// Mapping: non-ASCII spaces become U+0020 (RFC 3454 C.1.2), characters
/// "commonly mapped to nothing" are removed (B.1), then NFKC. Prohibited
/// characters are not rejected: the server only hashes its own passwords.
enum SASLprep {
    static func prepare(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isMappedToNothing(scalar.value) { continue }
            scalars.append(isNonASCIISpace(scalar.value) ? " " : scalar)
        }
        return String(scalars).precomposedStringWithCompatibilityMapping
    }

    private static func isMappedToNothing(_ value: UInt32) -> Bool {
        switch value {
        case 0x00AD, 0x034F, 0x1806, 0x180B...0x180D, 0x200B...0x200D, 0x2060, 0xFE00...0xFE0F, 0xFEFF:
            true
        default:
            false
        }
    }

    private static func isNonASCIISpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x00A0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
