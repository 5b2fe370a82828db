import Foundation
import Logging
import NIOCore

/// One relay thread's share of the relay: a `TURNServer` plus the sockets its actions
/// name. Everything here runs on `loop`'s thread — its UDP listener sockets and relay
/// sockets are read there, and the TCP connections handled by a SwiftNIO event loop hand
/// their frames over with `loop.execute` — so the state needs no lock (STYLE.md's "one
/// shard per event loop", with `RelayLoop` as the loop).
///
/// Ports, reservations and quotas are shared through `RelayResources`, touched only
/// when allocations start and end.
final class RelayShard: RelayLoopHandler, @unchecked Sendable {
    let index: Int
    let loop: RelayLoop
    private var server: TURNServer
    private let logger: Logger
    private let metrics: RelayMetrics
    private var reported = TURNStatistics()

    /// What a watched descriptor is.
    private enum Role {
        /// A UDP listener; its address is the server side of its clients' 5-tuples.
        case listener(TransportAddress)
        /// The socket of one allocation's relayed address.
        case relay(TransportAddress)
    }

    /// Every socket this shard reads, by descriptor.
    private var sockets: [Int32: (socket: UDPSocket, role: Role)] = [:]
    private var listeners: [TransportAddress: UDPSocket] = [:]
    private var relaySockets: [TransportAddress: UDPSocket] = [:]
    /// TCP/TLS client connections by 5-tuple, with when each last sent a frame.
    private var streams: [FiveTuple: (channel: any Channel, heard: Date)] = [:]
    /// A connection that holds no allocation is closed after this much silence.
    private let idleStreamTimeout: Double
    /// Relay sockets of allocations that ended this turn: closed after the turn's flush,
    /// because queued datagrams name their descriptors, and a descriptor closed earlier
    /// could be reused by a socket opened meanwhile and carry them to someone else.
    private var closing: [UDPSocket] = []
    /// What this turn writes to TCP/TLS clients: one hop to each connection's event loop
    /// per turn, not per frame.
    private var streamWrites: [FiveTuple: [ByteBuffer]] = [:]

    /// Datagrams one `recvmmsg` reads; one set of slots serves every socket of the shard,
    /// because each batch is relayed before the next is read.
    static let batchSize = 16
    /// Batches a listener yields per readiness event. It is the funnel for every client of
    /// the shard while a relay socket carries one allocation, so one batch per turn would
    /// starve it behind dozens of ready relay sockets (measured on the NIO transport: 30 %
    /// of the benchmark's packets lost in two of three runs).
    static let listenerBatchesPerEvent = 16
    private let received = DatagramSlots(count: batchSize, slotSize: RelayLoop.maximumDatagram)
    private let outgoing = SendQueue()

    init(index: Int, configuration: TURNConfiguration, resources: RelayResources,
         idleStreamTimeout: Duration = .seconds(5), logger: Logger, metrics: RelayMetrics) throws(IOError) {
        self.index = index
        self.idleStreamTimeout = idleStreamTimeout.seconds
        self.loop = try RelayLoop(name: "notrack-relay-\(index)")
        self.server = TURNServer(configuration: configuration, resources: resources)
        self.logger = logger
        self.metrics = metrics
    }

    func start() {
        loop.start(self)
    }

    /// Closes every socket and client connection, and ends the thread.
    func stop() async {
        await loop.stop()
    }

    func stopped() {
        sockets.removeAll()
        listeners.removeAll()
        relaySockets.removeAll()
        for stream in streams.values { stream.channel.close(promise: nil) }
        streams.removeAll()
        closing.removeAll()
        streamWrites.removeAll()
    }

    func tick(now: Date) {
        execute(server.expire(now: now))
        closeIdleStreams(now: now)
        reportStatistics()
    }

    /// Closes connections that hold no allocation and have been silent too long: a
    /// TURN client allocates at once, and anything else would hold a descriptor forever.
    private func closeIdleStreams(now: Date) {
        for (fiveTuple, stream) in streams
        where now.timeIntervalSince(stream.heard) >= idleStreamTimeout && !server.holdsAllocation(fiveTuple) {
            server.statistics.streamsClosed[.idle, default: 0] += 1
            stream.channel.close(promise: nil)
        }
    }

    /// Hands what was counted since the last report to the metrics factory.
    func reportStatistics() {
        let failures = outgoing.takeFailures()
        if failures > 0 { server.statistics.drops[.sendFailed, default: 0] += failures }
        let current = server.statistics
        metrics.report(from: reported, to: current, activeAllocations: server.allocationCount, shard: index)
        reported = current
    }

    func endOfTurn() {
        outgoing.flush()
        closing.removeAll(keepingCapacity: true)
        if !streamWrites.isEmpty { flushStreams() }
    }

    private func flushStreams() {
        for (fiveTuple, frames) in streamWrites {
            guard let channel = streams[fiveTuple]?.channel else { continue }
            channel.eventLoop.execute {
                for frame in frames { channel.write(frame, promise: nil) }
                channel.flush()
            }
        }
        streamWrites.removeAll(keepingCapacity: true)
    }

    // MARK: Registration (on the loop)

    func addListener(_ socket: UDPSocket, at local: TransportAddress) {
        do {
            try loop.watch(socket)
            sockets[socket.descriptor] = (socket, .listener(local))
            listeners[local] = socket
        } catch {
            logger.error("relay listener not watched", metadata: ["address": "\(local)", "error": "\(error)"])
        }
    }

    func streamOpened(_ fiveTuple: FiveTuple, channel: any Channel, now: Date = Date()) {
        streams[fiveTuple] = (channel, now)
    }

    /// A connection was closed at accept: its address or the relay held too many.
    func streamRefused() {
        server.statistics.streamsClosed[.limit, default: 0] += 1
    }

    /// A stream's bytes could not be framed: counted, and the handler closes it.
    func streamOutOfSync() {
        server.statistics.recordDrop(.malformed)
    }

    func streamClosed(_ fiveTuple: FiveTuple) {
        streams.removeValue(forKey: fiveTuple)
        execute(server.connectionClosed(fiveTuple))
    }

    /// STUN messages and ChannelData frames from a TCP/TLS client, each whole.
    func streamMessages(_ frames: [ByteBuffer], from fiveTuple: FiveTuple, now: Date = Date()) {
        streams[fiveTuple]?.heard = now
        for frame in frames {
            frame.withUnsafeReadableBytes { clientMessage($0, from: fiveTuple, now: now) }
        }
    }

    // MARK: Reading

    func readable(_ descriptor: Int32, now: Date) {
        guard let (socket, role) = sockets[descriptor] else { return }
        switch role {
        case .listener(let local):
            for _ in 0..<Self.listenerBatchesPerEvent {
                let count = received.receive(from: socket.descriptor, limit: Self.batchSize) ?? 0
                for index in 0..<count {
                    guard let client = received.source(at: index), !received.isTruncated(at: index) else {
                        server.statistics.recordDrop(.malformed)
                        continue
                    }
                    let fiveTuple = FiveTuple(client: client, server: local, transport: .udp)
                    clientMessage(received.payload(at: index), from: fiveTuple, now: now)
                }
                // A short batch emptied the socket: skip the call that would return EAGAIN.
                if count < Self.batchSize { break }
            }
        case .relay(let relayed):
            // One batch: a full one leaves the socket readable, and the next wait returns it.
            let count = received.receive(from: socket.descriptor, limit: Self.batchSize) ?? 0
            for index in 0..<count {
                guard let peer = received.source(at: index), !received.isTruncated(at: index) else {
                    server.statistics.recordDrop(.malformed)
                    continue
                }
                peerDatagram(received.payload(at: index), from: peer, relayed: relayed, now: now)
            }
        }
    }

    // MARK: Client side

    /// A STUN message or ChannelData frame from a client, whole.
    func clientMessage(_ bytes: UnsafeRawBufferPointer, from fiveTuple: FiveTuple, now: Date) {
        guard let first = bytes.first else {
            server.statistics.recordDrop(.malformed)  // an empty datagram
            return
        }
        if first >> 6 == 0b01 {
            channelData(bytes, from: fiveTuple, now: now)
        } else {
            execute(server.handleSTUN(Array(bytes), from: fiveTuple, now: now))
        }
    }

    /// The hot path: the payload goes from the receive slot to the send queue, one copy.
    private func channelData(_ bytes: UnsafeRawBufferPointer, from fiveTuple: FiveTuple, now: Date) {
        guard bytes.count >= ChannelData.headerLength else {
            server.statistics.recordDrop(.malformed)
            return
        }
        let number = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let length = Int(UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
        guard ChannelData.channelNumbers.contains(number), bytes.count >= ChannelData.headerLength + length else {
            server.statistics.recordDrop(.malformed)
            return
        }
        switch server.routeChannelData(channel: number, length: length, from: fiveTuple, now: now) {
        case .toPeer(let relayed, let peer, _):
            guard let socket = relaySockets[relayed] else { return }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[ChannelData.headerLength..<ChannelData.headerLength + length])
            outgoing.enqueue(from: socket.descriptor, to: peer, bytes: payload)
        case .drop:
            return
        }
    }

    // MARK: Peer side

    /// A datagram that reached a relayed address.
    private func peerDatagram(_ payload: UnsafeRawBufferPointer, from peer: TransportAddress,
                              relayed: TransportAddress, now: Date) {
        switch server.routePeerData(from: peer, to: relayed, length: payload.count, now: now) {
        case .channelData(let fiveTuple, let number) where fiveTuple.transport.isStream:
            guard acceptsRelayedData(fiveTuple) else { return }
            var frame = ByteBufferAllocator().buffer(capacity: ChannelData.headerLength + payload.count + 3)
            frame.writeInteger(number)
            frame.writeInteger(UInt16(truncatingIfNeeded: payload.count))
            frame.writeBytes(payload)
            frame.writeRepeatingByte(0, count: stunPadding(payload.count))
            streamWrites[fiveTuple, default: []].append(frame)
        case .channelData(let fiveTuple, let number):
            guard let listener = listeners[fiveTuple.server] else { return }
            outgoing.enqueue(from: listener.descriptor, to: fiveTuple.client,
                             length: ChannelData.headerLength + payload.count) { frame in
                frame.storeBytes(of: number.bigEndian, as: UInt16.self)
                frame.storeBytes(of: UInt16(truncatingIfNeeded: payload.count).bigEndian, toByteOffset: 2, as: UInt16.self)
                UnsafeMutableRawBufferPointer(rebasing: frame[ChannelData.headerLength...]).copyMemory(from: payload)
            }
        case .dataIndication(let fiveTuple):
            guard acceptsRelayedData(fiveTuple) else { return }
            send(TURNServer.dataIndication(from: peer, payload: Array(payload)), to: fiveTuple)
        case .drop:
            return
        }
    }

    /// Peer data for a TCP/TLS client that does not read is dropped, as on a congested
    /// link: only the client's own answers may wait in its outgoing buffer (and its
    /// connection stops reading meanwhile, `TURNStreamHandler`).
    private func acceptsRelayedData(_ fiveTuple: FiveTuple) -> Bool {
        guard fiveTuple.transport.isStream, streams[fiveTuple]?.channel.isWritable != true else { return true }
        server.statistics.recordDrop(.sendFailed)
        return false
    }

    // MARK: Actions

    private func execute(_ actions: [TURNAction]) {
        for action in actions {
            switch action {
            case .reply(let fiveTuple, let bytes):
                send(bytes, to: fiveTuple)
            case .sendToPeer(let relayed, let peer, let payload, _):
                guard let socket = relaySockets[relayed] else { break }
                payload.withUnsafeBytes { _ = outgoing.enqueue(from: socket.descriptor, to: peer, bytes: $0) }
            case .bindRelay(let id, let address, let dontFragment):
                bindRelay(id: id, address: address, dontFragment: dontFragment)
            case .closeRelay(let address):
                guard let socket = relaySockets.removeValue(forKey: address) else { break }
                loop.unwatch(socket)
                sockets.removeValue(forKey: socket.descriptor)
                closing.append(socket)
            case .drop:
                break
            }
        }
    }

    private func send(_ bytes: [UInt8], to fiveTuple: FiveTuple) {
        switch fiveTuple.transport {
        case .udp, .dtls:
            guard let listener = listeners[fiveTuple.server] else { return }
            bytes.withUnsafeBytes { _ = outgoing.enqueue(from: listener.descriptor, to: fiveTuple.client, bytes: $0) }
        case .tcp, .tls:
            streamWrites[fiveTuple, default: []].append(ByteBuffer(bytes: bytes))
        }
    }

    /// Binds a relay socket, then reports to the core: binding a UDP socket does not
    /// block, so the Allocate is answered in the same turn.
    private func bindRelay(id: UInt64, address: TransportAddress, dontFragment: Bool) {
        let now = Date()
        do {
            let socket = try UDPSocket.relay(at: address, dontFragment: dontFragment)
            try loop.watch(socket)
            sockets[socket.descriptor] = (socket, .relay(address))
            relaySockets[address] = socket
            logger.debug("relay socket bound", metadata: ["relayed": "\(address)", "shard": "\(index)"])
            execute(server.relayBound(id: id, now: now))
        } catch {
            logger.debug("relay bind failed", metadata: ["relayed": "\(address)", "error": "\(error)"])
            execute(server.relayBindFailed(id: id, now: now))
        }
    }

    /// Runs `body` on the shard's thread and returns what it returns (tests, diagnostics).
    func onLoop<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            loop.execute { continuation.resume(with: Swift.Result { try body() }) }
        }
    }

    /// The relay socket bound at `address`, for tests.
    func relaySocket(at address: TransportAddress) -> UDPSocket? {
        relaySockets[address]
    }

    /// Allocations and client connections this shard holds, for tests and diagnostics.
    var holdings: (allocations: Int, streams: Int) {
        (server.allocationCount, streams.count)
    }
}
