#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// The socket settings every relay UDP socket shares, listeners and relay sockets
/// alike, in one place.
extension DatagramBootstrap {
    /// Largest datagram relayed whole; larger ones arrive truncated and fail
    /// their framing. Covers any Ethernet-MTU packet with room to spare.
    static let relayMaximumDatagram = 2048
    /// Kernel receive and send buffer per socket (capped by `net.core.rmem_max` and
    /// `wmem_max`): the default ~200 KB holds only a few hundred small datagrams, which
    /// a busy or briefly descheduled event loop overflows under load. A limit, not an
    /// allocation: memory is used only while datagrams queue.
    static let relaySocketBufferSize = 2 << 20
    /// Datagrams one `recvmmsg` may return on a relay socket. A relay socket carries one
    /// allocation's peers (tens of packets a second), so it rarely holds more than one;
    /// each socket keeps its receive buffer (`relayMaximumDatagram` per message) for
    /// its whole life, so a small batch keeps hundreds of sockets cheap.
    static let relaySocketVectorReadCount = 4
    /// Datagrams one `recvmmsg` may return on a 3478 listener.
    static let relayListenerVectorReadCount = 16
    /// Batches a listener takes per readiness event. It is the funnel for every client of
    /// its event loop while a relay socket carries one allocation, so one batch per turn
    /// would starve it behind dozens of ready relay sockets (measured: 30 % of the
    /// benchmark's packets lost in two of three runs). The last call of a turn usually
    /// returns EAGAIN.
    static let relayListenerReadsPerEvent: UInt = 16

    /// The settings of a relay socket (one allocation's relayed address): one
    /// `recvmmsg` per readiness event, without the extra call that would only return
    /// EAGAIN on a socket holding a datagram or two; a full batch leaves the socket
    /// readable, and NIO's level-triggered selector comes straight back to it.
    func relaySocketOptions() -> DatagramBootstrap {
        relayDatagramOptions(vectorReadCount: Self.relaySocketVectorReadCount)
            .channelOption(.maxMessagesPerRead, value: 1)
    }

    /// A UDP listener that shares its port with the other event loops' listeners.
    func relayListenerOptions() -> DatagramBootstrap {
        relayDatagramOptions(vectorReadCount: Self.relayListenerVectorReadCount)
            .channelOption(.maxMessagesPerRead, value: Self.relayListenerReadsPerEvent)
            .channelOption(.socketOption(.init(rawValue: SO_REUSEPORT)), value: 1)
    }

    private func relayDatagramOptions(vectorReadCount: Int) -> DatagramBootstrap {
        self.channelOption(.datagramVectorReadMessageCount, value: vectorReadCount)
            // NIO splits one receive buffer evenly between the messages of a vector read.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(
                capacity: vectorReadCount * Self.relayMaximumDatagram))
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(Self.relaySocketBufferSize))
            .channelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(Self.relaySocketBufferSize))
    }

    /// DONT-FRAGMENT (RFC 8656 §7.2): path-MTU discovery "do", so the kernel sets DF
    /// on every datagram and refuses to fragment one (Linux `IP_MTU_DISCOVER`,
    /// `IPV6_MTU_DISCOVER` = `*_PMTUDISC_DO`). Without it the default "want" also sets
    /// DF but fragments locally above the route's MTU.
    func dontFragment(_ enabled: Bool, family: AddressFamily) -> DatagramBootstrap {
        guard enabled else { return self }
        return channelOption(Self.pathMTUDiscovery(family), value: Self.pathMTUDiscoveryDo(family))
    }

    static func pathMTUDiscovery(_ family: AddressFamily) -> ChannelOptions.Types.SocketOption {
        switch family {
        case .ipv4: .init(level: .ip, name: .init(rawValue: IP_MTU_DISCOVER))
        case .ipv6: .init(level: .ipv6, name: .init(rawValue: IPV6_MTU_DISCOVER))
        }
    }

    static func pathMTUDiscoveryDo(_ family: AddressFamily) -> SocketOptionValue {
        switch family {
        case .ipv4: SocketOptionValue(IP_PMTUDISC_DO)
        case .ipv6: SocketOptionValue(IPV6_PMTUDISC_DO)
        }
    }
}
