import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import Relay

/// Collects what a socket receives; futures resolve per message, with a
/// deadline instead of sleeps. Confined to its channel's event loop.
final class Collector<Message: Sendable>: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Message
    private var received: [Message] = []
    private var waiting: [EventLoopPromise<Message>] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        if waiting.isEmpty { received.append(message) } else { waiting.removeFirst().succeed(message) }
    }

    func next(on loop: any EventLoop) -> EventLoopFuture<Message> {
        loop.flatSubmit {
            if !self.received.isEmpty { return loop.makeSucceededFuture(self.received.removeFirst()) }
            let promise = loop.makePromise(of: Message.self)
            self.waiting.append(promise)
            loop.scheduleTask(in: .seconds(5)) { promise.fail(ChannelError.ioOnClosedChannel) }
            return promise.futureResult
        }
    }
}

@Suite(.serialized) struct LoopbackRelayTests {
    static let realm = "loopback"
    static let secret = TURNSecret("loopback-secret")

    struct Fixture {
        let group: MultiThreadedEventLoopGroup
        let shards: RelayShardGroup
        /// The TCP listener; UDP listeners belong to the shards.
        let listener: (any Channel)?
        let serverAddress: SocketAddress
        let metrics = RecordingMetrics()

        let host: String

        init(tcp: Bool = false, host: String = "127.0.0.1", streams: StreamLimits = StreamLimits()) async throws {
            self.host = host
            group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            var configuration = TURNConfiguration(
                realm: LoopbackRelayTests.realm, secret: LoopbackRelayTests.secret,
                relayAddresses: [RelayAddress(bind: IPAddress(host)!)])
            configuration.peerPolicy = PeerPolicy(allowLoopback: true)
            configuration.portRange = 42000...42999
            let shards = try RelayShardGroup(configuration: configuration, streams: streams, eventLoopGroup: group,
                                             logger: Logger(label: "test"), metrics: RelayMetrics(factory: metrics))
            self.shards = shards
            shards.start()
            if tcp {
                listener = try await ServerBootstrap(group: group)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try shards.configureStreamConnection(channel) }
                    }
                    .bind(host: host, port: 0).get()
                serverAddress = try #require(listener?.localAddress)
            } else {
                listener = nil
                serverAddress = SocketAddress(try shards.bindUDP(TransportAddress(ip: IPAddress(host)!, port: 0)))
            }
        }

        func udpSocket() async throws -> (any Channel, Collector<AddressedEnvelope<ByteBuffer>>) {
            let collector = Collector<AddressedEnvelope<ByteBuffer>>()
            let channel = try await DatagramBootstrap(group: group)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
                }
                .bind(host: host, port: 0).get()
            return (channel, collector)
        }

        func shutdown() async throws {
            try await listener?.close()
            await shards.stop()
            try await group.shutdownGracefully()
        }
    }

    static func exchange(_ bytes: [UInt8], via channel: any Channel, collector: Collector<AddressedEnvelope<ByteBuffer>>,
                         to address: SocketAddress) async throws -> STUNMessage {
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes)))
        let reply = try await collector.next(on: channel.eventLoop).get()
        return try STUNMessage(decoding: Array(reply.data.readableBytesView))
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func udpAllocationRelaysChannelDataBothWays(host: String) async throws {
        let fixture = try await Fixture(host: host)
        let family: [STUNAttribute] = host.contains(":") ? [.requestedAddressFamily(AddressFamily.ipv6.rawValue)] : []
        let (client, inbox) = try await fixture.udpSocket()
        let (peer, peerInbox) = try await fixture.udpSocket()
        let server = fixture.serverAddress

        let binding = try await Self.exchange(TURNTestHarness.unsigned(.binding), via: client, collector: inbox, to: server)
        #expect(binding.first(.xorMappedAddress) == .xorMappedAddress(TransportAddress(client.localAddress!)!))

        let challenge = try await Self.exchange(
            TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)]), via: client, collector: inbox, to: server)
        guard case .nonce(let nonce)? = challenge.first(.nonce) else { Issue.record("no nonce"); return }
        let credential = TURNCredentialMinter(secret: Self.secret).mint(user: "1001", ttl: .seconds(600), now: Date())
        let key = STUNIntegrityKey.longTerm(username: credential.username, realm: Self.realm, password: credential.credential)!
        func signed(_ method: STUNMethod, _ attributes: [STUNAttribute]) -> [UInt8] {
            STUNMessage(type: STUNMessageType(method: method, messageClass: .request), transactionID: .random(),
                        attributes: attributes + [.username(credential.username), .realm(Self.realm), .nonce(nonce)])
                .encode(integrity: .sha1(key), fingerprint: true)
        }
        let allocated = try await Self.exchange(
            signed(.allocate, [.requestedTransport(17), .dontFragment] + family), via: client, collector: inbox, to: server)
        guard case .xorRelayedAddress(let relayed)? = allocated.first(.xorRelayedAddress) else {
            Issue.record("allocate failed: \(allocated)"); return
        }
        #expect((42000...42999).contains(relayed.port))
        // DONT-FRAGMENT reached the relay socket: path-MTU discovery "do".
        let shard = fixture.shards.shards[0]
        let discovery = try await shard.onLoop { () throws -> Int32 in
            let socket = try #require(shard.relaySocket(at: relayed))
            return try socket.option(level: UDPSocket.pathMTUDiscoveryLevel(relayed.family),
                                     name: UDPSocket.pathMTUDiscovery(relayed.family))
        }
        #expect(discovery == UDPSocket.pathMTUDiscoveryDo(relayed.family))

        let peerAddress = TransportAddress(peer.localAddress!)!
        let bound = try await Self.exchange(signed(.channelBind, [.channelNumber(0x4000), .xorPeerAddress(peerAddress)]),
                                            via: client, collector: inbox, to: server)
        #expect(bound.messageClass == .successResponse)

        let frame = ChannelData(channelNumber: 0x4000, payload: Array("hello peer".utf8)).encode(padded: false)
        try await client.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: frame)))
        let atPeer = try await peerInbox.next(on: peer.eventLoop).get()
        #expect(Array(atPeer.data.readableBytesView) == Array("hello peer".utf8))
        #expect(TransportAddress(atPeer.remoteAddress) == relayed)

        try await peer.writeAndFlush(AddressedEnvelope(remoteAddress: SocketAddress(relayed), data: ByteBuffer(string: "hi client")))
        let atClient = try await inbox.next(on: client.eventLoop).get()
        #expect(try ChannelData(decoding: Array(atClient.data.readableBytesView))
            == ChannelData(channelNumber: 0x4000, payload: Array("hi client".utf8)))

        // Full-size media packets survive vector reads in both directions.
        let big = (0..<1200).map { UInt8(truncatingIfNeeded: $0) }
        try await client.writeAndFlush(AddressedEnvelope(
            remoteAddress: server, data: ByteBuffer(bytes: ChannelData(channelNumber: 0x4000, payload: big).encode(padded: false))))
        #expect(Array(try await peerInbox.next(on: peer.eventLoop).get().data.readableBytesView) == big)
        try await peer.writeAndFlush(AddressedEnvelope(remoteAddress: SocketAddress(relayed), data: ByteBuffer(bytes: big)))
        #expect(try ChannelData(decoding: Array(try await inbox.next(on: client.eventLoop).get().data.readableBytesView)).payload == big)

        // Garbage is dropped and the server keeps answering.
        try await client.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: [0xFF, 0x00, 0x13])))
        let again = try await Self.exchange(TURNTestHarness.unsigned(.binding), via: client, collector: inbox, to: server)
        #expect(again.messageClass == .successResponse)

        let deleted = try await Self.exchange(signed(.refresh, [.lifetime(0)]), via: client, collector: inbox, to: server)
        #expect(deleted.first(.lifetime) == .lifetime(0))
        try await client.close()
        try await peer.close()
        try await fixture.shutdown()
    }

    /// Reads exactly `count` bytes from a TCP collector.
    static func read(_ count: Int, from collector: Collector<ByteBuffer>, on loop: any EventLoop,
                     buffered: inout [UInt8]) async throws -> [UInt8] {
        while buffered.count < count {
            buffered += Array(try await collector.next(on: loop).get().readableBytesView)
        }
        defer { buffered.removeFirst(count) }
        return Array(buffered.prefix(count))
    }

    static func readSTUN(from collector: Collector<ByteBuffer>, on loop: any EventLoop,
                         buffered: inout [UInt8]) async throws -> STUNMessage {
        let header = try await read(20, from: collector, on: loop, buffered: &buffered)
        let length = Int(header[2]) << 8 | Int(header[3])
        let body = try await read(length, from: collector, on: loop, buffered: &buffered)
        return try STUNMessage(decoding: header + body)
    }

    @Test func tcpAllocationRelaysPaddedChannelData() async throws {
        let fixture = try await Fixture(tcp: true)
        let (peer, peerInbox) = try await fixture.udpSocket()
        let collector = Collector<ByteBuffer>()
        let client = try await ClientBootstrap(group: fixture.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(to: fixture.serverAddress).get()
        var buffered: [UInt8] = []
        func exchange(_ bytes: [UInt8]) async throws -> STUNMessage {
            try await client.writeAndFlush(ByteBuffer(bytes: bytes))
            return try await Self.readSTUN(from: collector, on: client.eventLoop, buffered: &buffered)
        }
        let challenge = try await exchange(TURNTestHarness.unsigned(.allocate, [.requestedTransport(17)]))
        guard case .nonce(let nonce)? = challenge.first(.nonce) else { Issue.record("no nonce"); return }
        let credential = TURNCredentialMinter(secret: Self.secret).mint(user: "1001", ttl: .seconds(600), now: Date())
        let key = STUNIntegrityKey.longTerm(username: credential.username, realm: Self.realm, password: credential.credential)!
        func signed(_ method: STUNMethod, _ attributes: [STUNAttribute]) -> [UInt8] {
            STUNMessage(type: STUNMessageType(method: method, messageClass: .request), transactionID: .random(),
                        attributes: attributes + [.username(credential.username), .realm(Self.realm), .nonce(nonce)])
                .encode(integrity: .sha1(key))
        }
        let allocated = try await exchange(signed(.allocate, [.requestedTransport(17)]))
        guard case .xorRelayedAddress(let relayed)? = allocated.first(.xorRelayedAddress) else {
            Issue.record("allocate failed: \(allocated)"); return
        }
        let peerAddress = TransportAddress(peer.localAddress!)!
        let bound = try await exchange(signed(.channelBind, [.channelNumber(0x5000), .xorPeerAddress(peerAddress)]))
        #expect(bound.messageClass == .successResponse)

        // Client to peer: a padded frame; the padding never reaches the peer.
        try await client.writeAndFlush(ByteBuffer(bytes: ChannelData(channelNumber: 0x5000, payload: [1, 2, 3, 4, 5]).encode(padded: true)))
        #expect(Array(try await peerInbox.next(on: peer.eventLoop).get().data.readableBytesView) == [1, 2, 3, 4, 5])
        // Peer to client: framed and padded to four bytes over TCP.
        try await peer.writeAndFlush(AddressedEnvelope(remoteAddress: SocketAddress(relayed), data: ByteBuffer(bytes: [9, 8, 7])))
        let frame = try await Self.read(8, from: collector, on: client.eventLoop, buffered: &buffered)
        #expect(frame == [0x50, 0x00, 0x00, 0x03, 9, 8, 7, 0])

        // Closing the connection ends the allocation: the relayed port stops relaying.
        try await client.close()
        try await peer.writeAndFlush(AddressedEnvelope(remoteAddress: SocketAddress(relayed), data: ByteBuffer(bytes: [1])))
        try await peer.close()
        try await fixture.shutdown()
    }

    @Test func tcpFramesSTUNAndAnswersBinding() async throws {
        let fixture = try await Fixture(tcp: true)
        let collector = Collector<ByteBuffer>()
        let client = try await ClientBootstrap(group: fixture.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(to: fixture.serverAddress).get()
        // Two requests in one write, the second split across writes: framing must cope.
        let first = TURNTestHarness.unsigned(.binding)
        let second = TURNTestHarness.unsigned(.binding)
        try await client.writeAndFlush(ByteBuffer(bytes: first + second.prefix(7)))
        try await client.writeAndFlush(ByteBuffer(bytes: Array(second.dropFirst(7))))
        var received: [UInt8] = []
        while received.count < 2 * 32 {
            let chunk = try await collector.next(on: client.eventLoop).get()
            received += Array(chunk.readableBytesView)
        }
        let one = try STUNMessage(decoding: Array(received.prefix(32)))
        let two = try STUNMessage(decoding: Array(received.dropFirst(32)))
        #expect(one.first(.xorMappedAddress) == .xorMappedAddress(TransportAddress(client.localAddress!)!))
        #expect(two.messageClass == .successResponse)
        try await client.close()
        try await fixture.shutdown()
    }

    /// A TCP client that sends faster than the relay answers is held back by TCP (the
    /// connection stops reading), not queued without bound, and is served in full later.
    @Test func tcpClientFasterThanTheRelayIsHeldBackThenServedInFull() async throws {
        let fixture = try await Fixture(tcp: true)
        let shard = fixture.shards.shards[0]
        let backlog = Mutex<TURNStreamHandler.Backlog?>(nil)
        let listener = try await ServerBootstrap(group: fixture.group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let streamHandler = TURNStreamHandler(shard: shard)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TURNStreamDecoder()))
                    try channel.pipeline.syncOperations.addHandler(streamHandler)
                    backlog.withLock { $0 = streamHandler.backlog }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let collector = Collector<ByteBuffer>()
        let client = try await ClientBootstrap(group: fixture.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(to: listener.localAddress!).get()
        func queued() -> Int { backlog.withLock { $0?.queued.load(ordering: .relaxed) ?? 0 } }

        // The shard's thread is busy: frames can only queue.
        let gate = DispatchSemaphore(value: 0)
        shard.loop.execute { _ = gate.wait(timeout: .now() + 10) }
        let count = 20_000
        let request = TURNTestHarness.unsigned(.binding)
        let written = client.eventLoop.makePromise(of: Void.self)
        client.writeAndFlush(ByteBuffer(bytes: Array([[UInt8]](repeating: request, count: count).joined())), promise: written)
        for _ in 0..<500 where queued() <= TURNStreamHandler.maximumQueuedFrames {
            try await Task.sleep(for: .milliseconds(10))
        }
        let held = queued()
        try await Task.sleep(for: .milliseconds(100))
        #expect(held > TURNStreamHandler.maximumQueuedFrames)
        #expect(queued() == held, "the connection kept reading while the shard was busy")
        #expect(held < count)

        gate.signal()
        try await written.futureResult.get()
        var received = 0
        while received < count * 32 {
            received += try await collector.next(on: client.eventLoop).get().readableBytes
        }
        #expect(received == count * 32)
        #expect(queued() == 0)
        try await client.close()
        try await listener.close()
        try await fixture.shutdown()
    }

    @Test func tcpGarbageClosesTheConnectionAndIsCountedAsMalformed() async throws {
        let fixture = try await Fixture(tcp: true)
        let collector = Collector<ByteBuffer>()
        let client = try await ClientBootstrap(group: fixture.group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(to: fixture.serverAddress).get()
        // 0xFF starts neither STUN (00) nor ChannelData (01): the stream is out of sync.
        try await client.writeAndFlush(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF] + Array("GET / HTTP/1.1\r\n\r\n".utf8)))
        try await client.closeFuture.get()
        let shard = fixture.shards.shards[0]
        try await shard.onLoop { shard.reportStatistics() }
        let key = RecordingMetrics.key(RelayMetrics.droppedPackets, [("reason", "malformed")])
        #expect(fixture.metrics.values.withLock { $0[key] } == 1)
        try await fixture.shutdown()
    }
}
