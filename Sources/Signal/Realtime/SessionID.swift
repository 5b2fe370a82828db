/// Random identifiers for Engine.IO sessions and Socket.IO sockets: 120 bits from the
/// system's CSPRNG, written as 20 base64url characters (like the reference server's ids,
/// and safe in a query string).
enum SessionID {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var out = [UInt8]()
        out.reserveCapacity(20)
        for _ in 0..<2 {
            var bits = generator.next() as UInt64
            for _ in 0..<10 {
                out.append(alphabet[Int(bits & 0x3F)])
                bits >>= 6
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
