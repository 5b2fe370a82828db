import Foundation
import Logging
import NIOCore
import NIOPosix

/// One event loop's share of the relay: a `TURNServer` plus the sockets its
/// actions name. Everything here runs on `eventLoop` — the UDP listener, the
/// TCP connections accepted on it and the relay sockets it binds — so the
/// state needs no lock and the per-packet path no hop (STYLE.md: one shard
/// per event loop).
///
/// Ports, reservations and quotas are shared through `RelayResources`,
/// touched only when allocations start and end.
final class RelayShard: @unchecked Sendable {
    let eventLoop: any EventLoop
    let index: Int
    private var server: TURNServer
    private let logger: Logger
    private let metrics: RelayMetrics
    private var reported = TURNStatistics()

    /// UDP listener sockets by their local address (the 5-tuple's server side).
    private var listeners: [TransportAddress: any Channel] = [:]
    /// TCP/TLS client connections by 5-tuple.
    private var streams: [FiveTuple: any Channel] = [:]
    /// Relay sockets by relayed address.
    private var relaySockets: [TransportAddress: any Channel] = [:]
    /// Relay addresses closed while their bind was in flight.
    private var closeWhenBound: Set<TransportAddress> = []
    /// `SocketAddress` values allocate; peers repeat, so keep them.
    private var peerAddresses: [TransportAddress: SocketAddress] = [:]
    /// Channels written to during the current event-loop turn, flushed together
    /// once every socket the selector reported ready has been read: the many relay
    /// sockets that each yield one peer datagram then reach their client through
    /// one `sendmmsg` on the listener.
    private var unflushed: [ObjectIdentifier: any Channel] = [:]
    private var flushScheduled = false
    private var sweep: RepeatedTask?

    init(index: Int, eventLoop: any EventLoop, configuration: TURNConfiguration, resources: RelayResources,
         logger: Logger, metrics: RelayMetrics) {
        self.index = index
        self.eventLoop = eventLoop
        self.server = TURNServer(configuration: configuration, resources: resources)
        self.logger = logger
        self.metrics = metrics
    }

    /// Starts the once-a-second sweep of lifetimes and metrics.
    func start() {
        eventLoop.execute {
            self.sweep = self.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
                self.tick(now: Date())
            }
        }
    }

    /// Stops the sweep and closes every relay socket and client connection.
    func stop() -> EventLoopFuture<Void> {
        eventLoop.submit {
            self.sweep?.cancel()
            self.sweep = nil
            for channel in self.relaySockets.values { channel.close(promise: nil) }
            self.relaySockets.removeAll()
            for channel in self.streams.values { channel.close(promise: nil) }
        }
    }

    private func tick(now: Date) {
        execute(server.expire(now: now))
        reportStatistics()
        if peerAddresses.count > 65_536 { peerAddresses.removeAll(keepingCapacity: true) }
    }

    /// Hands what was counted since the last report to the metrics factory.
    func reportStatistics() {
        eventLoop.preconditionInEventLoop()
        let current = server.statistics
        metrics.report(from: reported, to: current, activeAllocations: server.allocationCount, shard: index)
        reported = current
    }

    // MARK: Registration

    func registerListener(_ channel: any Channel) {
        eventLoop.preconditionInEventLoop()
        guard let local = channel.localAddress.flatMap(TransportAddress.init) else { return }
        listeners[local] = channel
    }

    func streamOpened(_ fiveTuple: FiveTuple, channel: any Channel) {
        eventLoop.preconditionInEventLoop()
        streams[fiveTuple] = channel
    }

    /// A stream's bytes could not be framed: counted, and the handler closes it.
    func streamOutOfSync() {
        eventLoop.preconditionInEventLoop()
        server.statistics.recordDrop(.malformed)
    }

    func streamClosed(_ fiveTuple: FiveTuple) {
        eventLoop.preconditionInEventLoop()
        streams.removeValue(forKey: fiveTuple)
        execute(server.connectionClosed(fiveTuple))
    }

    // MARK: Client side

    /// A STUN message or ChannelData frame from a client, whole.
    func clientMessage(_ buffer: ByteBuffer, from fiveTuple: FiveTuple, now: Date = Date()) {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            server.statistics.recordDrop(.malformed)  // an empty datagram
            return
        }
        if first >> 6 == 0b01 {
            channelData(buffer, from: fiveTuple, now: now)
        } else {
            execute(server.handleSTUN(Array(buffer.readableBytesView), from: fiveTuple, now: now))
        }
    }

    /// The hot path: the payload slice goes to the peer without a copy.
    private func channelData(_ buffer: ByteBuffer, from fiveTuple: FiveTuple, now: Date) {
        let start = buffer.readerIndex
        guard let number = buffer.getInteger(at: start, as: UInt16.self),
              let length = buffer.getInteger(at: start + 2, as: UInt16.self),
              ChannelData.channelNumbers.contains(number),
              let payload = buffer.getSlice(at: start + ChannelData.headerLength, length: Int(length))
        else {
            server.statistics.recordDrop(.malformed)
            return
        }
        switch server.routeChannelData(channel: number, length: Int(length), from: fiveTuple, now: now) {
        case .toPeer(let relayed, let peer, _):
            guard let socket = relaySockets[relayed] else { return }
            write(AddressedEnvelope(remoteAddress: socketAddress(peer), data: payload), to: socket)
        case .drop:
            return
        }
    }

    // MARK: Peer side

    /// A datagram that reached a relayed address.
    func peerDatagram(_ envelope: AddressedEnvelope<ByteBuffer>, relayed: TransportAddress, now: Date = Date()) {
        guard let peer = TransportAddress(envelope.remoteAddress) else { return }
        let payload = envelope.data
        switch server.routePeerData(from: peer, to: relayed, length: payload.readableBytes, now: now) {
        case .channelData(let fiveTuple, let number):
            let padded = fiveTuple.transport.isStream
            var frame = ByteBufferAllocator().buffer(capacity: ChannelData.headerLength + payload.readableBytes + 3)
            frame.writeInteger(number)
            frame.writeInteger(UInt16(truncatingIfNeeded: payload.readableBytes))
            frame.writeImmutableBuffer(payload)
            if padded { frame.writeRepeatingByte(0, count: stunPadding(payload.readableBytes)) }
            send(frame, to: fiveTuple)
        case .dataIndication(let fiveTuple):
            let bytes = TURNServer.dataIndication(from: peer, payload: Array(payload.readableBytesView))
            send(ByteBuffer(bytes: bytes), to: fiveTuple)
        case .drop:
            return
        }
    }

    // MARK: Actions

    private func execute(_ actions: [TURNAction]) {
        for action in actions {
            switch action {
            case .reply(let fiveTuple, let bytes):
                send(ByteBuffer(bytes: bytes), to: fiveTuple)
            case .sendToPeer(let relayed, let peer, let payload, _):
                guard let socket = relaySockets[relayed] else { break }
                write(AddressedEnvelope(remoteAddress: socketAddress(peer), data: ByteBuffer(bytes: payload)), to: socket)
            case .bindRelay(let id, let address, let dontFragment):
                bindRelay(id: id, address: address, dontFragment: dontFragment)
            case .closeRelay(let address):
                if let channel = relaySockets.removeValue(forKey: address) {
                    channel.close(promise: nil)
                } else {
                    closeWhenBound.insert(address)
                }
            case .drop:
                break
            }
        }
    }

    private func send(_ buffer: ByteBuffer, to fiveTuple: FiveTuple) {
        switch fiveTuple.transport {
        case .udp, .dtls:
            guard let listener = listeners[fiveTuple.server] else { return }
            write(AddressedEnvelope(remoteAddress: socketAddress(fiveTuple.client), data: buffer), to: listener)
        case .tcp, .tls:
            guard let stream = streams[fiveTuple] else { return }
            write(buffer, to: stream)
        }
    }

    private func write<Message: Sendable>(_ message: Message, to channel: any Channel) {
        channel.write(message, promise: nil)
        unflushed[ObjectIdentifier(channel)] = channel
        if !flushScheduled {
            flushScheduled = true
            // Tasks run after the I/O events of the current selector wake-up.
            eventLoop.execute { self.flush() }
        }
    }

    private func flush() {
        flushScheduled = false
        for channel in unflushed.values { channel.flush() }
        unflushed.removeAll(keepingCapacity: true)
    }

    private func socketAddress(_ address: TransportAddress) -> SocketAddress {
        if let cached = peerAddresses[address] { return cached }
        let converted = SocketAddress(address)
        peerAddresses[address] = converted
        return converted
    }

    /// Binds a relay socket on this shard's loop, then reports to the core.
    private func bindRelay(id: UInt64, address: TransportAddress, dontFragment: Bool) {
        DatagramBootstrap(group: eventLoop)
            .relaySocketOptions()
            .dontFragment(dontFragment, family: address.family)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RelaySocketHandler(shard: self, relayed: address))
                }
            }
            .bind(to: SocketAddress(address))
            .hop(to: eventLoop)
            .whenComplete { result in
                self.relayBindCompleted(result, id: id, address: address, now: Date())
            }
    }

    /// The relay socket bound at `address`, for tests.
    func relaySocket(at address: TransportAddress) -> (any Channel)? {
        eventLoop.preconditionInEventLoop()
        return relaySockets[address]
    }

    private func relayBindCompleted(_ result: Result<any Channel, any Error>, id: UInt64, address: TransportAddress, now: Date) {
        switch result {
        case .success(let channel):
            if closeWhenBound.remove(address) != nil {
                channel.close(promise: nil)
                execute(server.relayBound(id: id, now: now))
                return
            }
            relaySockets[address] = channel
            logger.debug("relay socket bound", metadata: ["relayed": "\(address)", "shard": "\(index)"])
            execute(server.relayBound(id: id, now: now))
        case .failure(let error):
            closeWhenBound.remove(address)
            logger.debug("relay bind failed", metadata: ["relayed": "\(address)", "error": "\(error)"])
            execute(server.relayBindFailed(id: id, now: now))
        }
    }
}
