import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import Relay

/// What keeps a shard safe with hostile or clumsy clients: descriptors outlive the
/// datagrams queued on them, messages up to the transports' limits pass, and TCP
/// connections are capped and cleaned up (docs/relay.md "Security").
@Suite(.serialized) struct RelayShardSafetyTests {
    typealias Fixture = LoopbackRelayTests.Fixture

    /// Signs requests the way a TURN client does once it knows the nonce.
    struct Signer {
        let username: String
        let key: STUNIntegrityKey
        var nonce: String

        init(nonce: String, user: String = "1001") {
            let credential = TURNCredentialMinter(secret: LoopbackRelayTests.secret)
                .mint(user: user, ttl: .seconds(600), now: Date())
            username = credential.username
            key = STUNIntegrityKey.longTerm(
                username: credential.username, realm: LoopbackRelayTests.realm, password: credential.credential)!
            self.nonce = nonce
        }

        func callAsFunction(_ method: STUNMethod, _ attributes: [STUNAttribute]) -> [UInt8] {
            STUNMessage(type: STUNMessageType(method: method, messageClass: .request), transactionID: .random(),
                        attributes: attributes + [.username(username), .realm(LoopbackRelayTests.realm), .nonce(nonce)])
                .encode(integrity: .sha1(key))
        }
    }

    /// Allocates over UDP from `client`; returns the signer and the relayed address.
    static func allocate(
        _ client: any Channel, _ inbox: Collector<AddressedEnvelope<ByteBuffer>>, at server: SocketAddress
    ) async throws -> (Signer, TransportAddress) {
        let challenge = try await LoopbackRelayTests.exchange(
            TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)]), via: client, collector: inbox, to: server)
        guard case .nonce(let nonce)? = challenge.first(.nonce) else { throw ShardTestError.unexpected("\(challenge)") }
        let signer = Signer(nonce: nonce)
        let allocated = try await LoopbackRelayTests.exchange(
            signer(.allocate, [.requestedTransport(17)]), via: client, collector: inbox, to: server)
        guard case .xorRelayedAddress(let relayed)? = allocated.first(.xorRelayedAddress) else {
            throw ShardTestError.unexpected("\(allocated)")
        }
        return (signer, relayed)
    }

    enum ShardTestError: Error { case unexpected(String) }

    /// A datagram queued from a relay socket is sent from that socket even when the
    /// allocation ends and a new relay socket opens in the same turn: the descriptor
    /// is not closed (and reused) before the turn's flush.
    @Test func datagramsQueuedOnAClosedRelaySocketLeaveFromIt() async throws {
        let fixture = try await Fixture()
        let server = fixture.serverAddress
        let (first, firstInbox) = try await fixture.udpSocket()
        let (second, secondInbox) = try await fixture.udpSocket()
        let (peer, peerInbox) = try await fixture.udpSocket()
        let peerAddress = TransportAddress(peer.localAddress!)!
        let (signer, relayed) = try await Self.allocate(first, firstInbox, at: server)
        let bound = try await LoopbackRelayTests.exchange(
            signer(.channelBind, [.channelNumber(0x4000), .xorPeerAddress(peerAddress)]),
            via: first, collector: firstInbox, to: server)
        #expect(bound.messageClass == .successResponse)
        _ = try await LoopbackRelayTests.exchange(
            TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)]), via: second, collector: secondInbox, to: server)

        // One turn: relay a frame, end the allocation, open another relay socket.
        let shard = fixture.shards.shards[0]
        let firstTuple = FiveTuple(client: TransportAddress(first.localAddress!)!, server: TransportAddress(server)!, transport: .udp)
        let secondTuple = FiveTuple(client: TransportAddress(second.localAddress!)!, server: TransportAddress(server)!, transport: .udp)
        let frame = ChannelData(channelNumber: 0x4000, payload: Array("for the peer".utf8)).encode(padded: false)
        let (delete, allocate) = (signer(.refresh, [.lifetime(0)]), signer(.allocate, [.requestedTransport(17)]))
        try await shard.onLoop {
            for (bytes, fiveTuple) in [(frame, firstTuple), (delete, firstTuple), (allocate, secondTuple)] {
                bytes.withUnsafeBytes { shard.clientMessage($0, from: fiveTuple, now: Date()) }
            }
        }
        let atPeer = try await peerInbox.next(on: peer.eventLoop).get()
        #expect(Array(atPeer.data.readableBytesView) == Array("for the peer".utf8))
        #expect(TransportAddress(atPeer.remoteAddress) == relayed)
        for channel in [first, second, peer] { try await channel.close() }
        try await fixture.shutdown()
    }

    /// RFC 8656 §12.4: ChannelData carries up to 65535 bytes; UDP carries 65507.
    @Test(arguments: [8000, 60_000])
    func largeMessagesAreRelayedBothWaysOverUDP(size: Int) async throws {
        let fixture = try await Fixture()
        let server = fixture.serverAddress
        let (client, inbox) = try await fixture.udpSocket()
        let (peer, peerInbox) = try await fixture.udpSocket()
        let peerAddress = TransportAddress(peer.localAddress!)!
        let (signer, relayed) = try await Self.allocate(client, inbox, at: server)
        _ = try await LoopbackRelayTests.exchange(signer(.channelBind, [.channelNumber(0x4000), .xorPeerAddress(peerAddress)]),
                                                  via: client, collector: inbox, to: server)
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 7) }

        let frame = ChannelData(channelNumber: 0x4000, payload: payload).encode(padded: false)
        try await client.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: frame)))
        #expect(Array(try await peerInbox.next(on: peer.eventLoop).get().data.readableBytesView) == payload)

        try await peer.writeAndFlush(AddressedEnvelope(remoteAddress: SocketAddress(relayed), data: ByteBuffer(bytes: payload)))
        let back = try await inbox.next(on: client.eventLoop).get()
        #expect(try ChannelData(decoding: Array(back.data.readableBytesView)).payload == payload)

        let send = STUNMessage(
            type: STUNMessageType(method: .send, messageClass: .indication), transactionID: .random(),
            attributes: [.xorPeerAddress(peerAddress), .data(payload)]).encode()
        try await client.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: send)))
        #expect(Array(try await peerInbox.next(on: peer.eventLoop).get().data.readableBytesView) == payload)
        for channel in [client, peer] { try await channel.close() }
        try await fixture.shutdown()
    }

    /// A TURN client over TCP, reading whole STUN messages.
    final class TCPClient {
        let channel: any Channel
        private let collector = Collector<ByteBuffer>()
        private var buffered: [UInt8] = []

        init(_ fixture: Fixture, from host: String = "127.0.0.1") async throws {
            let collector = collector
            channel = try await ClientBootstrap(group: fixture.group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
                }
                .bind(to: try SocketAddress(ipAddress: host, port: 0))
                .connect(to: fixture.serverAddress).get()
        }

        func write(_ bytes: [UInt8]) async throws {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        }

        func readSTUN() async throws -> STUNMessage {
            try await LoopbackRelayTests.readSTUN(from: collector, on: channel.eventLoop, buffered: &buffered)
        }

        func exchange(_ bytes: [UInt8]) async throws -> STUNMessage {
            try await write(bytes)
            return try await readSTUN()
        }

        /// A challenge, then an authenticated Allocate: the signer and the relayed address.
        func allocate() async throws -> (Signer, TransportAddress) {
            guard case .nonce(let nonce)? = try await exchange(TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)]))
                .first(.nonce) else { throw ShardTestError.unexpected("no nonce") }
            let signer = Signer(nonce: nonce)
            let allocated = try await exchange(signer(.allocate, [.requestedTransport(17)]))
            guard case .xorRelayedAddress(let relayed)? = allocated.first(.xorRelayedAddress) else {
                throw ShardTestError.unexpected("\(allocated)")
            }
            return (signer, relayed)
        }
    }

    /// Allocates over a TCP connection and relays a large Send indication through it.
    @Test func largeMessagesAreRelayedOverTCP() async throws {
        let fixture = try await Fixture(tcp: true)
        let client = try await TCPClient(fixture)
        let (peer, peerInbox) = try await fixture.udpSocket()
        let (signer, relayed) = try await client.allocate()
        let peerAddress = TransportAddress(peer.localAddress!)!
        #expect(try await client.exchange(signer(.createPermission, [.xorPeerAddress(peerAddress)])).messageClass == .successResponse)
        let payload = (0..<8000).map { UInt8(truncatingIfNeeded: $0) }
        let send = STUNMessage(
            type: STUNMessageType(method: .send, messageClass: .indication), transactionID: .random(),
            attributes: [.xorPeerAddress(peerAddress), .data(payload)]).encode()
        try await client.write(send)
        #expect(Array(try await peerInbox.next(on: peer.eventLoop).get().data.readableBytesView) == payload)
        try await peer.writeAndFlush(AddressedEnvelope(remoteAddress: SocketAddress(relayed), data: ByteBuffer(bytes: payload)))
        #expect(try await client.readSTUN().first(.data) == .data(payload))
        for channel in [client.channel, peer] { try await channel.close() }
        try await fixture.shutdown()
    }

    @Test func connectionsBeyondTheCapOfAnAddressAreClosedAtOnce() async throws {
        let fixture = try await Fixture(tcp: true, streams: StreamLimits(maximumPerAddress: 2, maximum: 3))
        let first = try await TCPClient(fixture).channel
        let second = try await TCPClient(fixture).channel
        try await TCPClient(fixture).channel.closeFuture.get()
        // Another address still gets in, up to the total.
        let other = try await TCPClient(fixture, from: "127.0.0.2").channel
        try await TCPClient(fixture, from: "127.0.0.3").channel.closeFuture.get()
        #expect(first.isActive && second.isActive && other.isActive)
        // A closed connection gives its place back.
        try await first.close()
        let shard = fixture.shards.shards[0]
        for _ in 0..<100 where try await shard.onLoop({ shard.holdings.streams }) > 2 {
            try await Task.sleep(for: .milliseconds(10))
        }
        let again = try await TCPClient(fixture).channel
        try await shard.onLoop { shard.reportStatistics() }
        let key = RecordingMetrics.key(RelayMetrics.connectionsClosed, [("reason", "limit")])
        #expect(fixture.metrics.values.withLock { $0[key] } == 2)
        #expect(again.isActive)
        for channel in [second, other, again] { try await channel.close() }
        try await fixture.shutdown()
    }

    @Test func silentConnectionsWithoutAnAllocationAreClosed() async throws {
        let fixture = try await Fixture(tcp: true, streams: StreamLimits(idleTimeout: .seconds(5)))
        let silent = try await TCPClient(fixture).channel
        let allocating = try await TCPClient(fixture)
        _ = try await allocating.allocate()
        let shard = fixture.shards.shards[0]
        try await shard.onLoop { shard.tick(now: Date().addingTimeInterval(4)) }
        #expect(silent.isActive)
        try await shard.onLoop { shard.tick(now: Date().addingTimeInterval(6)) }
        try await silent.closeFuture.get()
        #expect(allocating.channel.isActive)
        try await allocating.channel.close()
        try await fixture.shutdown()
    }

    /// A client that half-closes is gone: its connection closes and its allocation ends
    /// at once, not after a minute of waiting for the other half.
    @Test func halfClosedConnectionsCloseAndFreeTheirAllocation() async throws {
        let fixture = try await Fixture(tcp: true)
        let client = try await TCPClient(fixture)
        _ = try await client.allocate()
        let shard = fixture.shards.shards[0]
        #expect(try await shard.onLoop { shard.holdings.allocations } == 1)
        try await client.channel.close(mode: .output)
        try await client.channel.closeFuture.get()
        for _ in 0..<100 where try await shard.onLoop({ shard.holdings.allocations }) > 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try await shard.onLoop { shard.holdings } == (0, 0))
        try await fixture.shutdown()
    }
}
