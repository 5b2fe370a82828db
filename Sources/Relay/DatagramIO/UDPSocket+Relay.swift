#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore

/// The settings of the relay's UDP sockets, 3478 listeners and relay sockets alike.
extension UDPSocket {
    /// Kernel receive and send buffer per socket (capped by `net.core.rmem_max` and
    /// `wmem_max`): the default ~200 KB holds only a few hundred small datagrams, which a
    /// briefly descheduled loop overflows under load. A limit, not an allocation: memory
    /// is used only while datagrams queue.
    static let relayBufferSize: Int32 = 2 << 20

    /// A listener socket of one shard. Every shard binds one on the same address
    /// (`SO_REUSEPORT`): the kernel spreads clients over them by a hash of the client's
    /// address, so a client always reaches the shard that holds its allocation. No
    /// SO_REUSEADDR: on Linux it would let another program's socket share the port; with
    /// SO_REUSEPORT only sockets of the same user that set it too can.
    static func listener(at address: TransportAddress) throws(IOError) -> UDPSocket {
        let socket = try UDPSocket(family: address.family)
        try socket.applyRelayDefaults()
        try socket.setOption(level: SOL_SOCKET, name: SO_REUSEPORT, 1)
        try socket.bind(to: address)
        return socket
    }

    /// The socket of one allocation's relayed address.
    static func relay(at address: TransportAddress, dontFragment: Bool) throws(IOError) -> UDPSocket {
        let socket = try UDPSocket(family: address.family)
        try socket.applyRelayDefaults()
        if dontFragment {
            try socket.setOption(level: pathMTUDiscoveryLevel(address.family), name: pathMTUDiscovery(address.family),
                                 pathMTUDiscoveryDo(address.family))
        }
        try socket.bind(to: address)
        return socket
    }

    /// An IPv6 socket serves IPv6 only: IPv4 has its own listeners and relayed
    /// addresses, and a v4-mapped client would otherwise appear as a second 5-tuple.
    private func applyRelayDefaults() throws(IOError) {
        try setOption(level: SOL_SOCKET, name: SO_RCVBUF, Self.relayBufferSize)
        try setOption(level: SOL_SOCKET, name: SO_SNDBUF, Self.relayBufferSize)
        if family == .ipv6 { try setOption(level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, 1) }
    }

    /// DONT-FRAGMENT (RFC 8656 §7.2): path-MTU discovery "do", so the kernel sets DF on
    /// every datagram and refuses to fragment one (Linux `IP_MTU_DISCOVER`,
    /// `IPV6_MTU_DISCOVER` = `*_PMTUDISC_DO`). Without it the default "want" also sets DF
    /// but fragments locally above the route's MTU.
    static func pathMTUDiscoveryLevel(_ family: AddressFamily) -> Int32 {
        family == .ipv4 ? Int32(IPPROTO_IP) : Int32(IPPROTO_IPV6)
    }

    static func pathMTUDiscovery(_ family: AddressFamily) -> Int32 {
        family == .ipv4 ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER
    }

    static func pathMTUDiscoveryDo(_ family: AddressFamily) -> Int32 {
        family == .ipv4 ? IP_PMTUDISC_DO : IPV6_PMTUDISC_DO
    }
}
