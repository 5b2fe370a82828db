import Hummingbird
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Synchronization
import Testing

@testable import Signal

/// The RFC 6455 rules `EngineIOWebSocketHandler` enforces on frames (the frame codec and the
/// Engine.IO session are the real ones; the socket is NIO's testing channel). Every check
/// of the official suites runs over a live socket in `WebSocketProtocolTests`.
@Suite(.timeLimit(.minutes(1))) struct EngineIOWebSocketHandlerTests {
    /// The Engine.IO suite's server: echoes every message.
    struct Echo: EngineIOServerDelegate {
        func engineIOConnectionOpened(_ connection: EngineIOConnection) async {}
        func engineIOConnection(_ connection: EngineIOConnection, received message: EngineIOData) async {
            connection.send([message])
        }
        func engineIOConnectionClosed(_ connection: EngineIOConnection, reason: EngineIOCloseReason) async {}
    }

    /// Echoes too, and notes the read time (`EventRelayClock`) each callback sees.
    final class ReadTimes: EngineIOServerDelegate {
        let opened = Mutex<[ContinuousClock.Instant?]>([])
        let received = Mutex<[ContinuousClock.Instant?]>([])
        func engineIOConnectionOpened(_ connection: EngineIOConnection) async {
            opened.withLock { $0.append(EventRelayClock.messageReadAt) }
        }
        func engineIOConnection(_ connection: EngineIOConnection, received message: EngineIOData) async {
            received.withLock { $0.append(EventRelayClock.messageReadAt) }
            connection.send([message])
        }
        func engineIOConnectionClosed(_ connection: EngineIOConnection, reason: EngineIOCloseReason) async {}
    }

    struct NotAccepted: Error {}

    /// A WebSocket that opened an Engine.IO session, its handshake already read.
    static func openWebSocket(
        maxPayload: Int = 100, delegate: any EngineIOServerDelegate = Echo()
    ) async throws -> (NIOAsyncTestingChannel, EngineIOServer) {
        let configuration = EngineIOConfiguration(pingInterval: 10_000, pingTimeout: 10_000, maxPayload: maxPayload, allowedOrigins: .any)
        let server = EngineIOServer(configuration: configuration, delegate: delegate)
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).get()
        try await channel.eventLoop.submit {
            let request = HTTPRequest(method: .get, scheme: nil, authority: "localhost", path: "/engine.io/?EIO=4&transport=websocket")
            guard case .accepted(let handler, let open)? = server.webSocketUpgrade(request, channel: channel) else { throw NotAccepted() }
            open?()
            try channel.pipeline.syncOperations.addHandler(handler)
        }.get()
        #expect(try await text(channel.waitForOutboundWrite(as: WebSocketFrame.self))?.hasPrefix("0{") == true)
        return (channel, server)
    }

    /// A client frame, masked as RFC 6455 5.3 requires unless `masked` is false.
    static func frame(_ opcode: WebSocketOpcode, _ bytes: [UInt8], fin: Bool = true, masked: Bool = true) -> WebSocketFrame {
        var data = ByteBuffer(bytes: bytes)
        let key: WebSocketMaskingKey? = masked ? .random() : nil
        if let key { data.webSocketMask(key) }
        return WebSocketFrame(fin: fin, opcode: opcode, maskKey: key, data: data)
    }

    static func frame(_ opcode: WebSocketOpcode, _ text: String, fin: Bool = true, masked: Bool = true) -> WebSocketFrame {
        frame(opcode, Array(text.utf8), fin: fin, masked: masked)
    }

    static func text(_ frame: WebSocketFrame) -> String? {
        frame.opcode == .text ? String(buffer: frame.data) : nil
    }

    /// The close frame's status code, once the handler has sent one.
    static func closeCode(_ channel: NIOAsyncTestingChannel) async throws -> WebSocketErrorCode? {
        var frame = try await channel.waitForOutboundWrite(as: WebSocketFrame.self)
        while frame.opcode != .connectionClose {
            frame = try await channel.waitForOutboundWrite(as: WebSocketFrame.self)
        }
        var data = frame.data
        return data.readWebSocketErrorCode()
    }

    /// Waits (bounded) until the session is gone: the server drops it on a task of its own.
    static func sessionsEnd(_ server: EngineIOServer) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while server.connectionCount > 0 {
            try #require(ContinuousClock.now < deadline, "the session did not end")
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    @Test func answersAPingWithAPongCarryingItsData() async throws {
        let (channel, _) = try await Self.openWebSocket()
        try await channel.writeInbound(Self.frame(.ping, "are you there"))
        let pong = try await channel.waitForOutboundWrite(as: WebSocketFrame.self)
        #expect(pong.opcode == .pong)
        #expect(pong.maskKey == nil)
        #expect(String(buffer: pong.data) == "are you there")
    }

    /// Counts the reads that reach the socket.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Any
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    /// A client that pings and never reads must not grow the pongs waiting to leave.
    @Test func nothingIsReadWhileTheSocketTakesNoWrites() async throws {
        let (channel, _) = try await Self.openWebSocket()
        let counter = ReadCounter()
        try await channel.pipeline.addHandler(counter, position: .first).get()
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        channel.read()
        #expect(try await channel.eventLoop.submit { counter.reads }.get() == 0)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try await channel.eventLoop.submit { counter.reads }.get() == 1)
    }

    @Test func reassemblesAFragmentedMessageAroundAControlFrame() async throws {
        let (channel, _) = try await Self.openWebSocket()
        try await channel.writeInbound(Self.frame(.text, "4hel", fin: false))
        try await channel.writeInbound(Self.frame(.ping, "x"))  // RFC 6455 5.4: allowed between fragments
        try await channel.writeInbound(Self.frame(.continuation, "lo", fin: false))
        try await channel.writeInbound(Self.frame(.continuation, " there"))
        #expect(try await channel.waitForOutboundWrite(as: WebSocketFrame.self).opcode == .pong)
        #expect(try await Self.text(channel.waitForOutboundWrite(as: WebSocketFrame.self)) == "4hello there")
    }

    @Test func echoesABinaryMessage() async throws {
        let (channel, _) = try await Self.openWebSocket()
        try await channel.writeInbound(Self.frame(.binary, [1, 2, 3]))
        let echo = try await channel.waitForOutboundWrite(as: WebSocketFrame.self)
        #expect(echo.opcode == .binary)
        #expect(Array(buffer: echo.data) == [1, 2, 3])
    }

    /// What `socketio_event_relay_seconds` times from: the handling of a message knows when
    /// its last frame was read; the session's opening, which no message caused, does not.
    @Test func aMessagesHandlingSeesWhenItWasRead() async throws {
        let times = ReadTimes()
        let (channel, _) = try await Self.openWebSocket(delegate: times)
        let before = ContinuousClock.now
        try await channel.writeInbound(Self.frame(.text, "4hel", fin: false))
        try await channel.writeInbound(Self.frame(.continuation, "lo"))
        let after = ContinuousClock.now
        #expect(try await Self.text(channel.waitForOutboundWrite(as: WebSocketFrame.self)) == "4hello")
        #expect(times.opened.withLock { $0 } == [nil])
        let readAt = try #require(times.received.withLock { $0 }.first ?? nil)
        #expect(before <= readAt && readAt <= after)
    }

    @Test func closesWith1002OnAnUnmaskedFrame() async throws {
        let (channel, server) = try await Self.openWebSocket()
        try await channel.writeInbound(Self.frame(.text, "4hello", masked: false))
        #expect(try await Self.closeCode(channel) == .protocolError)
        try await Self.sessionsEnd(server)
    }

    @Test(arguments: [
        [Self.frame(.continuation, "4hello")],  // a continuation with nothing to continue
        [Self.frame(.text, "4he", fin: false), Self.frame(.text, "llo")],  // a new message inside one
        [Self.frame(WebSocketOpcode(encodedWebSocketOpcode: 3)!, "4hello")],  // a reserved opcode
    ])
    func closesWith1002OnAFrameOutOfOrder(_ frames: [WebSocketFrame]) async throws {
        let (channel, _) = try await Self.openWebSocket()
        for frame in frames { try await channel.writeInbound(frame) }
        #expect(try await Self.closeCode(channel) == .protocolError)
    }

    @Test func closesWith1007OnTextThatIsNotUTF8() async throws {
        let (channel, _) = try await Self.openWebSocket()
        try await channel.writeInbound(Self.frame(.text, [UInt8(ascii: "4"), 0xC3, 0x28]))
        #expect(try await Self.closeCode(channel) == .dataInconsistentWithMessage)
    }

    @Test func closesWith1009WhenFragmentsExceedMaxPayload() async throws {
        let (channel, _) = try await Self.openWebSocket(maxPayload: 100)
        try await channel.writeInbound(Self.frame(.text, "4" + String(repeating: "x", count: 60), fin: false))
        try await channel.writeInbound(Self.frame(.continuation, String(repeating: "x", count: 60)))
        #expect(try await Self.closeCode(channel) == .messageTooLarge)
    }

    @Test func answersAClientCloseAndClosesTheConnection() async throws {
        let (channel, server) = try await Self.openWebSocket()
        var code = ByteBuffer()
        code.write(webSocketErrorCode: .goingAway)
        try await channel.writeInbound(Self.frame(.connectionClose, Array(buffer: code)))
        #expect(try await Self.closeCode(channel) == .goingAway)
        try await channel.closeFuture.get()
        try await Self.sessionsEnd(server)
    }

    @Test func anEngineIOCloseEndsWithANormalClosure() async throws {
        let (channel, server) = try await Self.openWebSocket()
        try await channel.writeInbound(Self.frame(.text, "1"))
        #expect(try await Self.closeCode(channel) == .normalClosure)
        // The client's answer lets the server close the connection (RFC 6455 7.1.1).
        try await channel.writeInbound(Self.frame(.connectionClose, [0x03, 0xE8]))
        try await channel.closeFuture.get()
        try await Self.sessionsEnd(server)
    }
}
