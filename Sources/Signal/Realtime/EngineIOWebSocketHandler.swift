import NIOCore
import NIOWebSocket

/// One WebSocket of an Engine.IO session, as a NIO channel handler behind NIOWebSocket's
/// frame decoder and encoder: it turns frames into Engine.IO packets for its
/// `EngineIOConnection` and carries out the connection's `WebSocketCommand`s, all on the
/// channel's event loop. No task waits on an idle WebSocket (the design's memory target).
///
/// RFC 6455 is enforced here: client frames must be masked (section 5.1), no extension is
/// negotiated so the RSV bits must be clear (5.2), fragments are reassembled up to
/// `maxPayload` (5.4, else 1009), text must be UTF-8 (8.1, else 1007), pings are answered
/// (5.5.2) and a close is answered and ends the connection (5.5.1, 7.1.1). Oversized and
/// malformed single frames are NIOWebSocket's `WebSocketProtocolErrorHandler`'s.
///
/// Nothing is read while the socket does not take writes: a client that sends pings and
/// never reads would otherwise grow the pongs waiting to leave without bound; TCP's own
/// flow control holds it back instead.
final class EngineIOWebSocketHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// How many received messages may wait for the layer above before reading pauses.
    static let maximumBacklog = 8
    /// How long a close this server began waits for the client's close (RFC 6455 7.1.1).
    static let closeTimeout = TimeAmount.seconds(2)

    /// The session; `nil` for a WebSocket that is only opened to be closed (a session that
    /// cannot take it: "the server MUST close the WebSocket connection").
    private(set) var connection: EngineIOConnection?
    let pipeID: Int
    private let maxPayload: Int

    private var context: ChannelHandlerContext?
    /// Commands that came before the handler was in the pipeline (the upgrade probe's
    /// can: it is taken before the 101 goes out).
    private var early: [EngineIOConnection.WebSocketCommand] = []
    /// The fragments of a message being received (RFC 6455 5.4).
    private var message: (binary: Bool, bytes: ByteBuffer)?
    /// Buffered packets wait in the session until the socket takes writes again, so that
    /// the session's own bound applies to a client that does not read.
    private var drainWhenWritable = false
    private var readingPaused = false
    private var readPending = false
    private var closing: Scheduled<Void>?
    private var closeSent = false
    private var channelIsClosed = false

    init(pipeID: Int, maxPayload: Int) {
        self.pipeID = pipeID
        self.maxPayload = maxPayload
    }

    /// Sets the session (before the handler is added); `nil` closes the WebSocket at once.
    func attach(_ connection: EngineIOConnection?) {
        self.connection = connection
    }

    // MARK: - Commands from the session

    func perform(_ command: EngineIOConnection.WebSocketCommand) {
        guard let context, !channelIsClosed else {
            if !channelIsClosed {
                early.append(command)
            } else if case .failPoll(let error) = command {
                connection?.failPoll(error)  // the poll is answered even when the socket is gone
            }
            return
        }
        switch command {
        case .write(let packet):
            guard !closeSent else { return }
            write(packet, context: context)
            context.flush()
        case .drain:
            drain(context: context)
        case .failPoll(let error):
            connection?.failPoll(error)
        case .close:
            close(code: .normalClosure, context: context)
        case .resumeReading:
            readingPaused = false
            resumeReadIfPending(context: context)
        }
    }

    /// The channel closed: a `failPoll` that never reached a pipeline still answers its poll.
    func channelClosed() {
        channelIsClosed = true
        for case .failPoll(let error) in early { connection?.failPoll(error) }
        early = []
        closing?.cancel()
    }

    private func drain(context: ChannelHandlerContext) {
        guard !closeSent, let connection else { return }
        guard context.channel.isWritable else {
            drainWhenWritable = true
            return
        }
        drainWhenWritable = false
        let (packets, relayStartedAt) = connection.drainForWebSocket()
        guard !packets.isEmpty else { return }
        for packet in packets { write(packet, context: context) }
        context.flush()
        if let relayStartedAt { SignalMetrics.eventRelay.record(duration: ContinuousClock.now - relayStartedAt) }
    }

    private func write(_ packet: EngineIOPacket, context: ChannelHandlerContext) {
        let frame: WebSocketFrame
        switch packet.webSocketFrame {
        case .text(let text):
            frame = WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: text))
        case .binary(let bytes):
            frame = WebSocketFrame(fin: true, opcode: .binary, data: context.channel.allocator.buffer(bytes: bytes))
        }
        context.write(wrapOutboundOut(frame), promise: nil)
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard connection != nil else {
            close(code: .normalClosure, context: context)
            return
        }
        let early = self.early
        self.early = []
        for command in early { perform(command) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if closeSent {
            // Only the client's answer to our close matters now (RFC 6455 5.5.1).
            if frame.opcode == .connectionClose { context.close(promise: nil) }
            return
        }
        // RFC 6455 5.1: "The server MUST close the connection upon receiving a frame that is
        // not masked"; 5.2: RSV bits without a negotiated extension fail the connection.
        guard frame.maskKey != nil, !frame.rsv1, !frame.rsv2, !frame.rsv3 else {
            return close(code: .protocolError, context: context)
        }
        switch frame.opcode {
        case .connectionClose:
            answerClose(frame, context: context)
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .text, .binary:
            guard message == nil else { return close(code: .protocolError, context: context) }
            message = (frame.opcode == .binary, frame.unmaskedData)
            finishFragment(fin: frame.fin, context: context)
        case .continuation:
            guard let (binary, current) = message else { return close(code: .protocolError, context: context) }
            var bytes = current
            message = nil  // no copy-on-write while appending
            var fragment = frame.unmaskedData
            bytes.writeBuffer(&fragment)
            message = (binary, bytes)
            finishFragment(fin: frame.fin, context: context)
        default:
            close(code: .protocolError, context: context)
        }
    }

    private func finishFragment(fin: Bool, context: ChannelHandlerContext) {
        guard let (binary, bytes) = message else { return }
        guard bytes.readableBytes <= maxPayload else {
            message = nil
            return close(code: .messageTooLarge, context: context)
        }
        guard fin else { return }
        let readAt = ContinuousClock.now
        message = nil
        guard let connection else { return }
        let packet: EngineIOPacket?
        if binary {
            packet = EngineIOPacket.decode(binary: Array(buffer: bytes))
        } else {
            // RFC 6455 8.1: text that is not UTF-8 fails the connection with 1007.
            guard let text = String(validating: bytes.readableBytesView, as: UTF8.self) else {
                return close(code: .dataInconsistentWithMessage, context: context)
            }
            packet = try? EngineIOPacket.decode(text: text)
        }
        let pause = connection.receive(packet, onWebSocket: pipeID, readAt: readAt)
        if packet == nil {
            // An undecodable packet has closed the session (or the probe): close the socket.
            return close(code: .normalClosure, context: context)
        }
        if pause { readingPaused = true }
    }

    /// Answers the client's close with its status code and closes the connection: the
    /// server closes TCP first (RFC 6455 5.5.1, 7.1.1).
    private func answerClose(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        var data = frame.unmaskedData
        var reply = context.channel.allocator.buffer(capacity: 2)
        if data.readableBytes >= 2, let code = data.readInteger(as: UInt16.self) {
            reply.writeInteger(code)
        }
        closeSent = true
        connection?.webSocketClosed(pipeID: pipeID)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: reply)
        let loopBound = context.loopBound
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    /// Sends a close frame and waits a moment for the client's (RFC 6455 7.1.1); the session
    /// no longer has this WebSocket from now on.
    private func close(code: WebSocketErrorCode, context: ChannelHandlerContext) {
        connection?.webSocketClosed(pipeID: pipeID)
        guard !closeSent else { return }
        closeSent = true
        message = nil
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        let channel = context.channel
        closing = context.eventLoop.scheduleTask(in: Self.closeTimeout) { channel.close(promise: nil) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            if drainWhenWritable { drain(context: context) }
            resumeReadIfPending(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case ChannelEvent.inputClosed:
            // The client half-closed without a close frame: nothing more will come.
            context.close(promise: nil)
        case is ChannelShouldQuiesceEvent:
            // Server shutdown: end the session the normal way (buffered packets, then close).
            if let connection { connection.close(.serverClosed) } else { context.close(promise: nil) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIOWebSocket's error handler has answered protocol errors; any other ends the socket.
        if !(error is NIOWebSocketError) { context.close(promise: nil) }
    }

    /// Reading pauses while `maximumBacklog` messages wait for the layer above (the
    /// backpressure the delegate contract promises; `.resumeReading` continues) and while
    /// the socket does not take writes (writability continues).
    func read(context: ChannelHandlerContext) {
        if readingPaused || !context.channel.isWritable {
            readPending = true
        } else {
            context.read()
        }
    }

    private func resumeReadIfPending(context: ChannelHandlerContext) {
        guard readPending, !readingPaused, context.channel.isWritable else { return }
        readPending = false
        context.read()
    }
}
