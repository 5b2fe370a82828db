import Hummingbird
public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Hummingbird's server connection, HTTP/1.1 for the router, with the WebSocket upgrade of
/// Engine.IO servers' paths taken over by NIO channel handlers: once a WebSocket is open its
/// connection task ends, and an idle WebSocket holds only its channel, the frame codec, an
/// `EngineIOWebSocketHandler` and the session objects (no task, no task stack).
///
/// A plain `GET` on the same path is not an upgrade and reaches the router (long-polling).
/// An upgrade that no server takes, or that one refuses, gets a bare 400. An upgrade on a
/// later request of a kept-alive connection is `EngineIOLateUpgradeHandler`'s.
public struct EngineIOHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    public struct Value: ServerChildChannelValue {
        /// The HTTP connection for the router, or `nil` once the connection is handled in
        /// the pipeline (a WebSocket, or a refused upgrade).
        let http: EventLoopFuture<NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>?>
        public let channel: any Channel
    }

    public let responder: HTTPChannelHandler.Responder
    let servers: [EngineIOServer]
    let configuration: HTTP1Channel.Configuration
    let limits: HTTPConnectionLimits
    let admission: HTTPConnectionAdmission

    init(
        responder: @escaping HTTPChannelHandler.Responder, servers: [EngineIOServer], limits: HTTPConnectionLimits,
        admission: HTTPConnectionAdmission
    ) {
        self.responder = responder
        self.servers = servers
        self.limits = limits
        self.admission = admission
        var configuration = HTTP1Channel.Configuration(idleTimeout: .init(limits.idleTimeout))
        configuration.httpDecoder.maxHeaderListSize = limits.maximumHeaderBytes
        self.configuration = configuration
    }

    /// NIO keeps each channel's last receive buffer for the next read: its default first
    /// size (2 KB) would be the largest thing an idle WebSocket holds. Frames and requests
    /// are mostly small; a larger read grows the buffer (up to 64 KB) as NIO adapts.
    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65_536)

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            guard admission.admit(channel) else {
                channel.close(promise: nil)
                return Value(http: channel.eventLoop.makeSucceededFuture(nil), channel: channel)
            }
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.receiveBuffers)
            // The decision, made before the 101, for the pipeline set up after it.
            let decision = NIOLoopBoundBox<EngineIOServer.WebSocketUpgrade?>(nil, eventLoop: channel.eventLoop)
            let webSocket = NIOTypedWebSocketServerUpgrader<NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>?>(
                maxFrameSize: maxFrameSize,
                shouldUpgrade: Self.shouldUpgrade(servers: servers, noting: decision),
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard case .accepted(let handler, let open) = decision.value else { throw ChannelError.inappropriateOperationForState }
                        decision.value = nil
                        open?()
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return nil
                    }
                }
            )
            // A request NIO cannot upgrade (no `Sec-WebSocket-Key`, a version other than 13)
            // never reaches `shouldUpgrade`: it is refused too, rather than dropped.
            let upgrader = RefusalNoting(upgrader: webSocket) { if decision.value == nil { decision.value = .refused } }
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: .init(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if decision.value != nil {
                            Self.refuseUpgrade(channel)
                            return nil
                        }
                        return try self.http(channel, logger: logger)
                    }
                }
            ))
            pipeline.enablePipelining = false  // NIOAsyncChannel serves one request at a time
            pipeline.enableErrorHandling = false  // Hummingbird answers parse errors
            pipeline.enableResponseHeaderValidation = false  // HTTPTypes has validated them
            pipeline.decoderConfiguration.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            pipeline.decoderConfiguration.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            pipeline.decoderConfiguration.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            let http = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(HTTPRequestTimeoutHandler(limits: limits), position: .after(decoder))
            return Value(http: http, channel: channel)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        guard let http = try? await value.http.get() else { return }
        await handleHTTP(asyncChannel: http, logger: logger)
    }

    /// The largest WebSocket frame any of the servers accepts.
    var maxFrameSize: Int { servers.map(\.configuration.maxPayload).max() ?? 1 << 20 }

    /// NIO's `shouldUpgrade` (called once RFC 6455's checks passed): the servers decide, and
    /// `decision` keeps what they decided for the pipeline set up after the 101.
    static func shouldUpgrade(
        servers: [EngineIOServer], noting decision: NIOLoopBoundBox<EngineIOServer.WebSocketUpgrade?>
    ) -> @Sendable (any Channel, HTTPRequestHead) -> EventLoopFuture<HTTPHeaders?> {
        { channel, head in
            let upgrade = decide(head, channel: channel, servers: servers)
            decision.value = upgrade
            guard case .accepted = upgrade else { return channel.eventLoop.makeSucceededFuture(nil) }
            return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
        }
    }

    /// The first server that serves the path decides; an upgrade on any other path is refused.
    static func decide(_ head: HTTPRequestHead, channel: any Channel, servers: [EngineIOServer]) -> EngineIOServer.WebSocketUpgrade {
        guard let request = try? HTTPRequest(head, secure: false, splitCookie: false) else { return .refused }
        for server in servers {
            if let upgrade = server.webSocketUpgrade(request, channel: channel) { return upgrade }
        }
        return .refused
    }

    /// The request goes on to Hummingbird's HTTP handling.
    private func http(_ channel: any Channel, logger: Logger) throws -> NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart> {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(EngineIOLateUpgradeHandler(servers: servers, maxFrameSize: maxFrameSize))
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try pipeline.addHandlers(configuration.additionalChannelHandlers())
        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: configuration.idleTimeout.map { .init($0) }, logger: logger))
        return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
    }

    private static func refuseUpgrade(_ channel: any Channel) {
        let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: ["Connection": "close", "Content-Length": "0"])
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// An upgrader that notes when the one it wraps cannot upgrade a request.
private struct RefusalNoting<Upgrader: NIOTypedHTTPServerProtocolUpgrader>: NIOTypedHTTPServerProtocolUpgrader {
    let upgrader: Upgrader
    let refused: @Sendable () -> Void

    var supportedProtocol: String { upgrader.supportedProtocol }
    var requiredUpgradeHeaders: [String] { upgrader.requiredUpgradeHeaders }

    func buildUpgradeResponse(channel: any Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
        upgrader.buildUpgradeResponse(channel: channel, upgradeRequest: upgradeRequest, initialResponseHeaders: initialResponseHeaders)
            .flatMapErrorThrowing { error in
                refused()
                throw error
            }
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Upgrader.UpgradeResult> {
        upgrader.upgrade(channel: channel, upgradeRequest: upgradeRequest)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the WebSocket transport of these Engine.IO servers
    /// (`EngineIOHTTPChannel`), within `limits`; give it to Hummingbird's
    /// `Application(router:server:)`.
    public static func engineIO(
        _ servers: [EngineIOServer], limits: HTTPConnectionLimits = .init(),
        isTrustedProxy: @escaping @Sendable (String) -> Bool = { _ in false }
    ) -> HTTPServerBuilder {
        let admission = HTTPConnectionAdmission(limits: limits, isTrustedProxy: isTrustedProxy)
        return .init { responder in
            EngineIOHTTPChannel(responder: responder, servers: servers, limits: limits, admission: admission)
        }
    }
}
