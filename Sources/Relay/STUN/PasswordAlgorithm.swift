/// A PASSWORD-ALGORITHM value (RFC 8489 §14.12, §18.5): an algorithm number
/// and its parameters. MD5 and SHA-256 define no parameters.
struct PasswordAlgorithm: Hashable, Sendable {
    var number: UInt16
    var parameters: [UInt8]

    init(number: UInt16, parameters: [UInt8] = []) {
        self.number = number
        self.parameters = parameters
    }

    /// Key = MD5(username ":" realm ":" password), the RFC 5389 default.
    static let md5 = PasswordAlgorithm(number: 0x0001)
    /// Key = SHA-256(username ":" realm ":" password) (RFC 8489 §9.2.2).
    static let sha256 = PasswordAlgorithm(number: 0x0002)
}
