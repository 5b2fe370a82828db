/// The transport protocol between a client and the server (RFC 8656 §3.1).
enum ClientTransport: UInt8, Hashable, Sendable {
    case udp
    case tcp
    case tls
    case dtls

    /// Stream transports frame ChannelData with padding (RFC 8656 §12.5).
    var isStream: Bool { self == .tcp || self == .tls }
}

/// The 5-tuple that names an allocation (RFC 8656 §2): client and server
/// transport addresses and the transport protocol. A compact value used as a
/// dictionary key on every relayed packet.
struct FiveTuple: Hashable, Sendable {
    var client: TransportAddress
    var server: TransportAddress
    var transport: ClientTransport

    init(client: TransportAddress, server: TransportAddress, transport: ClientTransport) {
        self.client = client
        self.server = server
        self.transport = transport
    }
}
