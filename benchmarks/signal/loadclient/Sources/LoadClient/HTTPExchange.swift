import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One request with an empty body on a connection of its own (`Connection: close`), as
/// sioload.py's `http_request` sends it; the answer's status and body.
enum HTTPExchange {
    static let requestTimeout = TimeAmount.seconds(30)

    struct Answer {
        let status: HTTPResponseStatus
        let body: String
    }

    static func send(_ method: HTTPMethod, _ path: String, to server: ServerAddress, group: EventLoopGroup) async throws -> Answer {
        let what = "\(method) \(path)"
        let loop = group.next()
        let answer = loop.makePromise(of: Answer.self)
        let timeout = loop.scheduleTask(in: requestTimeout) {
            answer.fail(LoadClientError("\(what): no answer within \(requestTimeout.nanoseconds / 1_000_000_000) s"))
        }
        let connected = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        Exchange(method: method, path: path, server: server, answer: answer))
                }
            }
            .connect(host: server.host, port: server.port)
        connected.whenFailure { error in
            answer.fail(LoadClientError("\(what): cannot connect to \(server): \(error)"))
        }
        answer.futureResult.whenComplete { _ in
            timeout.cancel()
            connected.whenSuccess { $0.close(promise: nil) }
        }
        return try await answer.futureResult.get()
    }
}

/// Sends the request once connected and collects the answer.
private final class Exchange: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// A guest token is about 300 bytes and the server's /metrics a few KB; anything past
    /// this is not what was asked for.
    private static let maximumBody = 1 << 20
    private let method: HTTPMethod
    private let path: String
    private let server: ServerAddress
    private let answer: EventLoopPromise<HTTPExchange.Answer>
    private var status: HTTPResponseStatus?
    private var body = ByteBuffer()

    init(method: HTTPMethod, path: String, server: ServerAddress, answer: EventLoopPromise<HTTPExchange.Answer>) {
        self.method = method
        self.path = path
        self.server = server
        self.answer = answer
    }

    private var what: String { "\(method) \(path)" }

    func channelActive(context: ChannelHandlerContext) {
        context.sendRequest(method, path, to: server, headers: ["Content-Length": "0", "Connection": "close"])
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
        case .body(var part):
            guard body.readableBytes + part.readableBytes <= Self.maximumBody else {
                return fail(context, "\(what): answer body over \(Self.maximumBody) bytes")
            }
            body.writeBuffer(&part)
        case .end:
            guard let status else { return fail(context, "\(what): an answer without a head") }
            answer.succeed(.init(status: status, body: String(buffer: body)))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, "\(what): \(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(LoadClientError("\(what): the server closed the connection before answering"))
        context.fireChannelInactive()
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        answer.fail(LoadClientError(message))
        context.close(promise: nil)
    }
}
