import NIOCore
import NIOHTTP1

/// Closes an HTTP connection that does not send a request in time: the first request's head
/// must be whole within `headerTimeout` of the connection opening (a client that sends
/// nothing, or trickles its headers, holds a descriptor for nothing), and a kept-alive
/// connection waits `idleTimeout` for the next one. No timer runs while a request is being
/// answered (a long-poll waits up to the ping interval).
///
/// It sits right behind the HTTP decoder and steps aside when a request asks to upgrade:
/// a WebSocket has Engine.IO's heartbeat instead.
final class HTTPRequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let headerTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// Requests read and not yet answered (HTTP/1.1 pipelining may queue several).
    private var inProgress = 0

    init(limits: HTTPConnectionLimits) {
        headerTimeout = .init(limits.headerTimeout)
        idleTimeout = .init(limits.idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(headerTimeout, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            inProgress += 1
            timer?.cancel()
            timer = nil
            if head.headers.contains(name: "upgrade") {
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inProgress = max(0, inProgress - 1)
            if inProgress == 0 { arm(idleTimeout, context: context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        timer?.cancel()
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}
