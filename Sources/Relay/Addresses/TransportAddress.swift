/// An IP address and a port: the "transport address" of RFC 8489 §3.
public struct TransportAddress: Hashable, Sendable {
    public var ip: IPAddress
    public var port: UInt16

    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    public var family: AddressFamily { ip.family }
}

extension TransportAddress: CustomStringConvertible {
    /// `192.0.2.1:3478` or `[2001:db8::1]:3478`.
    public var description: String {
        switch ip {
        case .v4: "\(ip):\(port)"
        case .v6: "[\(ip)]:\(port)"
        }
    }
}
