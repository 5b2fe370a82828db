import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// The WebSocket upgrade of a request that is not the connection's first: HTTP/1.1 lets a
/// client upgrade a kept-alive connection (aiohttp calls `POST /api/auth/guest`, then opens
/// the socket on the same connection), while NIO's upgrade handler only looks at the first
/// request. It sits behind the HTTP decoder of a connection that Hummingbird serves, takes
/// an Engine.IO upgrade before Hummingbird sees it, answers 101, and turns the pipeline into
/// the same WebSocket pipeline a first-request upgrade gets. Hummingbird's connection task
/// stays until the socket closes (it waits for a request that never comes), the one cost of
/// this rarer path. A request it does not take goes on to the router unchanged.
final class EngineIOLateUpgradeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let servers: [EngineIOServer]
    private let maxFrameSize: Int
    /// An accepted upgrade waiting for its request's end.
    private var accepted: (head: HTTPRequestHead, response: HTTPHeaders, handler: EngineIOWebSocketHandler, open: (() -> Void)?)?
    /// The pipeline carries WebSocket bytes now: pass whatever still comes through.
    private var upgraded = false

    init(servers: [EngineIOServer], maxFrameSize: Int) {
        self.servers = servers
        self.maxFrameSize = maxFrameSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !upgraded else { return context.fireChannelRead(data) }
        switch unwrapInboundIn(data) {
        case .head(let head) where accepted == nil && Self.asksForWebSocket(head):
            accepted = take(head, channel: context.channel)
            if accepted == nil { context.fireChannelRead(data) }
        case .body where accepted != nil:
            break  // an upgrade request has no body worth reading
        case .end where accepted != nil:
            upgrade(context: context)
        default:
            context.fireChannelRead(data)
        }
    }

    static func asksForWebSocket(_ head: HTTPRequestHead) -> Bool {
        head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    /// RFC 6455 4.2.1's checks (NIO's upgrader) and the Engine.IO server's decision.
    private func take(_ head: HTTPRequestHead, channel: any Channel) -> (HTTPRequestHead, HTTPHeaders, EngineIOWebSocketHandler, (() -> Void)?)? {
        let decision = NIOLoopBoundBox<EngineIOServer.WebSocketUpgrade?>(nil, eventLoop: channel.eventLoop)
        let upgrader = NIOTypedWebSocketServerUpgrader<Void>(
            maxFrameSize: maxFrameSize,
            shouldUpgrade: EngineIOHTTPChannel.shouldUpgrade(servers: servers, noting: decision),
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() })
        var response: HTTPHeaders?
        // Every step completes at once on this loop, so the answer is here when this returns.
        upgrader.buildUpgradeResponse(channel: channel, upgradeRequest: head, initialResponseHeaders: [:])
            .whenSuccess { response = $0 }
        guard let response, case .accepted(let handler, let open)? = decision.value else { return nil }
        return (head, response, handler, open)
    }

    private func upgrade(context: ChannelHandlerContext) {
        guard let (head, response, handler, open) = accepted else { return }
        accepted = nil
        upgraded = true
        var headers = response
        headers.replaceOrAdd(name: "Upgrade", value: "websocket")
        headers.replaceOrAdd(name: "Connection", value: "upgrade")
        let switching = HTTPResponseHead(version: head.version, status: .switchingProtocols, headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(switching)), promise: nil)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        do {
            let pipeline = context.pipeline.syncOperations
            // The WebSocket handlers go where the HTTP ones were, before Hummingbird's end of
            // the pipeline, which from now on hears only that the connection closed.
            try pipeline.addHandlers(
                [WebSocketFrameEncoder(), ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)),
                 WebSocketProtocolErrorHandler()],
                position: .after(self))
            open?()
            try pipeline.addHandler(handler, position: .after(try pipeline.handler(type: WebSocketProtocolErrorHandler.self)))
            for type in [HTTP1ToHTTPServerCodec.self, HTTPConnectionStateHandler.self, HTTPResponseEncoder.self,
                         // Bytes the decoder still holds reach the WebSocket decoder through this handler.
                         ByteToMessageHandler<HTTPRequestDecoder>.self] as [any ChannelHandler.Type] {
                pipeline.removeHandler(context: try pipeline.context(handlerType: type), promise: nil)
            }
            pipeline.removeHandler(context: context, promise: nil)
        } catch {
            context.close(promise: nil)
        }
    }
}
