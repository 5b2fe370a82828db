import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A held Socket.IO connection as the call driver sees it. Its state lives in its channel's
/// handler on one event loop; a `Channel` may be written from any thread.
struct HeldConnection: Sendable {
    let channel: Channel
    let extensionNumber: String

    var isAlive: Bool { channel.isActive }

    /// One text frame, masked as every client-to-server frame must be (RFC 6455 §5.3).
    func send(_ text: String) {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: text))
        channel.writeAndFlush(frame, promise: nil)
    }
}

/// Opens one connection: TCP, the HTTP/1.1 upgrade to WebSocket (RFC 6455 §4.1, NIO's
/// upgrader checks `Sec-WebSocket-Accept`), then Engine.IO's open packet and Socket.IO's
/// CONNECT with the token. Succeeds once the server accepted the CONNECT.
enum WebSocketConnector {
    /// sioload.py waits 30 s for the Engine.IO open packet and 30 s more for the CONNECT reply.
    static let handshakeTimeout = TimeAmount.seconds(60)

    static func open(
        _ server: ServerAddress, path: String, as guest: GuestToken, group: EventLoopGroup,
        events: CallDriver, violations: ProtocolViolations
    ) async throws -> HeldConnection {
        let loop = group.next()
        let handshake = loop.makePromise(of: HeldConnection.self)
        let timeout = loop.scheduleTask(in: handshakeTimeout) {
            handshake.fail(LoadClientError("no Socket.IO CONNECT reply within \(handshakeTimeout.nanoseconds / 1_000_000_000) s (extension \(guest.extension))"))
        }
        let connected = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 20) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let pipeline = channel.pipeline.syncOperations
                            pipeline.removeHandler(name: UpgradeRequest.name, promise: nil)
                            try pipeline.addHandler(
                                NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 64, maxAccumulatedFrameSize: 1 << 20))
                            try pipeline.addHandler(
                                SocketIOClient(guest: guest, handshake: handshake, events: events, violations: violations))
                        }
                    }
                    // The server's first frame (Engine.IO open) often arrives with the 101
                    // response: the HTTP decoder must pass those bytes on, not drop them.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try channel.pipeline.syncOperations.addHandler(
                        UpgradeRequest(server: server, path: path, handshake: handshake), name: UpgradeRequest.name)
                }
            }
            .connect(host: server.host, port: server.port)
        connected.whenFailure { error in
            handshake.fail(LoadClientError("cannot connect to \(server): \(error)"))
        }
        handshake.futureResult.whenComplete { result in
            timeout.cancel()
            if case .failure = result { connected.whenSuccess { $0.close(promise: nil) } }
        }
        return try await handshake.futureResult.get()
    }
}

/// Sends the upgrade request (NIO's upgrade handler adds `Upgrade`, `Connection` and the
/// `Sec-WebSocket-*` headers) and reports a refusal; removed once the upgrade is done.
private final class UpgradeRequest: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    static let name = "upgrade-request"

    private let server: ServerAddress
    private let path: String
    private let handshake: EventLoopPromise<HeldConnection>

    init(server: ServerAddress, path: String, handshake: EventLoopPromise<HeldConnection>) {
        self.server = server
        self.path = path
        self.handshake = handshake
    }

    func channelActive(context: ChannelHandlerContext) {
        // The headers sioload.py sends, no more: the server keeps them for the connection's
        // lifetime, so each extra header shows in its memory per connection.
        context.sendRequest(.GET, "\(path)?EIO=4&transport=websocket", to: server)
        context.fireChannelActive()
    }

    /// Only a refused upgrade's response gets here (an accepted one is consumed by NIO).
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            fail(context, "WebSocket upgrade refused: HTTP \(head.status.code) \(head.status.reasonPhrase)")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let refusal = error as? NIOHTTPClientUpgradeError, refusal == .upgraderDeniedUpgrade {
            // RFC 6455 §4.1: the 101 answer must carry the Sec-WebSocket-Accept of our key.
            return fail(context, "WebSocket upgrade refused: the 101 answer's Sec-WebSocket-Accept does not match the key sent")
        }
        fail(context, "WebSocket upgrade failed: \(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshake.fail(LoadClientError("the server closed the connection during the WebSocket upgrade"))
        context.fireChannelInactive()
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        handshake.fail(LoadClientError(message))
        context.close(promise: nil)
    }
}

/// One connection after the upgrade: answers Engine.IO pings and WebSocket control
/// frames, does the Socket.IO handshake, and hands events to the call driver. Anything the
/// protocols do not allow is recorded as a violation and closes the connection.
private final class SocketIOClient: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private enum Phase { case awaitingOpen, awaitingConnectReply, connected(HeldConnection) }

    private let guest: GuestToken
    private let handshake: EventLoopPromise<HeldConnection>
    private let events: CallDriver
    private let violations: ProtocolViolations
    private var phase = Phase.awaitingOpen

    init(guest: GuestToken, handshake: EventLoopPromise<HeldConnection>, events: CallDriver, violations: ProtocolViolations) {
        self.guest = guest
        self.handshake = handshake
        self.events = events
        self.violations = violations
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Taken before decoding, so that a relay's time excludes this client's parsing.
        let receivedAt = NIODeadline.now()
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            receive(String(buffer: frame.unmaskedData), context: context, at: receivedAt)
        case .ping:  // RFC 6455 §5.5.3: a pong carries the ping's application data.
            send(context, WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData))
        case .pong:
            break
        case .connectionClose:  // §5.5.1: answer with a close frame, then close.
            var reply = context.channel.allocator.buffer(capacity: 2)
            reply.write(webSocketErrorCode: .normalClosure)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: reply)))
                .whenComplete { _ in channel.close(promise: nil) }
            fail("the server closed the WebSocket before the Socket.IO CONNECT reply")
        default:
            violate(context, "a WebSocket \(frame.opcode) frame: Engine.IO v4 sends its packets as text frames")
        }
    }

    private func receive(_ text: String, context: ChannelHandlerContext, at receivedAt: NIODeadline) {
        let packet: ServerPacket
        do {
            packet = try ServerPacket(parsing: text)
        } catch {
            return violate(context, error.description)
        }
        switch (packet, phase) {
        case (.ping, _):
            send(context, ClientPacket.pong)
        case (.open, .awaitingOpen):
            phase = .awaitingConnectReply
            send(context, ClientPacket.connect(token: guest.token))
        case (.connected, .awaitingConnectReply):
            let connection = HeldConnection(channel: context.channel, extensionNumber: guest.extension)
            phase = .connected(connection)
            handshake.succeed(connection)
        case (.connectRefused(let reason), .awaitingConnectReply):
            fail("Socket.IO CONNECT refused: \(reason)")
            context.close(promise: nil)
        case (.event(let name, let body), .connected(let connection)):
            do {
                try events.received(name, body: body, on: connection, at: receivedAt)
            } catch {
                violate(context, "\(name): \(error.description)")
            }
        case (.close, _), (.disconnected, _):
            fail("the server ended the session before the Socket.IO CONNECT reply")
            context.close(promise: nil)
        case (.ignored, _):
            break
        default:
            violate(context, "\(packet) while \(phase)")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        violate(context, "\(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail("the server closed the connection before the Socket.IO CONNECT reply")
        context.fireChannelInactive()
    }

    private func send(_ context: ChannelHandlerContext, _ text: String) {
        send(context, WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: context.channel.allocator.buffer(string: text)))
    }

    private func send(_ context: ChannelHandlerContext, _ frame: WebSocketFrame) {
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// Fails the handshake if it is still under way (a completed promise ignores this).
    private func fail(_ message: String) {
        handshake.fail(LoadClientError("\(message) (extension \(guest.extension))"))
    }

    private func violate(_ context: ChannelHandlerContext, _ message: String) {
        violations.record("extension \(guest.extension): \(message)")
        fail(message)
        context.close(promise: nil)
    }
}

/// The violations seen on any connection; the run stops at the next phase boundary if there
/// is one, since numbers measured against a misbehaving server mean nothing.
final class ProtocolViolations: Sendable {
    private let seen = Mutex<(count: Int, first: String?)>((0, nil))

    func record(_ message: String) {
        seen.withLock { seen in
            seen.count += 1
            if seen.first == nil { seen.first = message }
        }
    }

    /// Throws the first violation, with how many there were.
    func check() throws {
        let (count, first) = seen.withLock { $0 }
        if let first { throw LoadClientError("the server broke the protocol \(count) time(s); first: \(first)") }
    }
}
