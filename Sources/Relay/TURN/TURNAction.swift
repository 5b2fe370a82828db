/// What the I/O adapter must do after the TURN state machine handled an
/// input (STYLE.md habit 1: the core returns actions, the adapter acts).
enum TURNAction: Hashable, Sendable {
    /// Send bytes to the client over the 5-tuple's transport.
    case reply(to: FiveTuple, bytes: [UInt8])
    /// Send a UDP datagram from a relayed address to a peer.
    case sendToPeer(from: TransportAddress, to: TransportAddress, payload: [UInt8], dontFragment: Bool)
    /// Bind a UDP socket at `address`, then call `relayBound(id:now:)` or
    /// `relayBindFailed(id:now:)`. `dontFragment`: the Allocate carried
    /// DONT-FRAGMENT, so everything the socket sends must have the IP DF bit set
    /// and never be fragmented (RFC 8656 §7.2, §14).
    case bindRelay(id: UInt64, address: TransportAddress, dontFragment: Bool)
    /// Close the relay socket of an allocation that ended. It may name a
    /// socket whose bind is still in flight (the client left meanwhile):
    /// close it once bound; `relayBound` for it then returns nothing.
    case closeRelay(TransportAddress)
    /// Nothing to send; the reason feeds the dropped-packet metric.
    case drop(DropReason)
}

/// Why an input produced nothing, named for metric labels and logs.
enum DropReason: String, Error, Hashable, Sendable {
    case malformed
    case notARequest = "not_a_request"
    case fingerprintMismatch = "fingerprint_mismatch"
    case noAllocation = "no_allocation"
    case noPermission = "no_permission"
    /// A Send indication to a peer the policy refuses (the relay's own address off the relay range).
    case forbiddenPeer = "forbidden_peer"
    case noChannel = "no_channel"
    case peerFamilyMismatch = "peer_family_mismatch"
    case bandwidthExceeded = "bandwidth_exceeded"
    case allocationPending = "allocation_pending"
    case unexpectedIndication = "unexpected_indication"
    /// An allocation's 5-tuple sent requests faster than `TURNConfiguration.allocationRequestRate`
    /// (over TCP the request is answered 508 and still counted here).
    case requestRateExceeded = "request_rate_exceeded"
    /// An unauthenticated answer would be more than three times its request (a reflector).
    case amplification
    /// The kernel refused to send a relayed datagram (a full socket buffer, no route).
    case sendFailed = "send_failed"
}
