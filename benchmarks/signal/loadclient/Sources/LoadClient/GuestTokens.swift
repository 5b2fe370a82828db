import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One guest account: the token that authenticates its Socket.IO connection, and the
/// extension the other party's events name (`from`, `targetExtension`).
struct GuestToken: Decodable, Sendable {
    let token: String
    let `extension`: String
}

/// `POST /api/auth/guest` with an empty body, one connection per request
/// (`Connection: close`), as sioload.py sends it.
enum GuestTokens {
    static let requestTimeout = TimeAmount.seconds(30)

    static func fetch(from server: ServerAddress, group: EventLoopGroup) async throws -> GuestToken {
        let loop = group.next()
        let answer = loop.makePromise(of: GuestToken.self)
        let timeout = loop.scheduleTask(in: requestTimeout) {
            answer.fail(LoadClientError("POST /api/auth/guest: no answer within \(requestTimeout.nanoseconds / 1_000_000_000) s"))
        }
        let connected = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(GuestTokenRequest(server: server, answer: answer))
                }
            }
            .connect(host: server.host, port: server.port)
        connected.whenFailure { error in
            answer.fail(LoadClientError("POST /api/auth/guest: cannot connect to \(server): \(error)"))
        }
        answer.futureResult.whenComplete { _ in
            timeout.cancel()
            connected.whenSuccess { $0.close(promise: nil) }
        }
        return try await answer.futureResult.get()
    }
}

/// Sends the request once connected and decodes the answer's JSON body.
private final class GuestTokenRequest: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// A guest-token answer is about 300 bytes; anything past this is not one.
    private static let maximumBody = 64 * 1024
    private let server: ServerAddress
    private let answer: EventLoopPromise<GuestToken>
    private var status: HTTPResponseStatus?
    private var body = ByteBuffer()

    init(server: ServerAddress, answer: EventLoopPromise<GuestToken>) {
        self.server = server
        self.answer = answer
    }

    func channelActive(context: ChannelHandlerContext) {
        context.sendRequest(.POST, "/api/auth/guest", to: server, headers: ["Content-Length": "0", "Connection": "close"])
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
        case .body(var part):
            guard body.readableBytes + part.readableBytes <= Self.maximumBody else {
                return fail(context, "POST /api/auth/guest: answer body over \(Self.maximumBody) bytes")
            }
            body.writeBuffer(&part)
        case .end:
            let text = String(buffer: body)
            guard status == .ok else {
                return fail(context, "POST /api/auth/guest: HTTP \(status.map { "\($0.code)" } ?? "?") \(text.prefix(200))")
            }
            guard let token = try? JSONDecoder().decode(GuestToken.self, from: Data(text.utf8)),
                !token.token.isEmpty, !token.extension.isEmpty
            else { return fail(context, "POST /api/auth/guest: not a {token, extension} answer: \(text.prefix(200))") }
            answer.succeed(token)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context, "POST /api/auth/guest: \(error)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(LoadClientError("POST /api/auth/guest: the server closed the connection before answering"))
        context.fireChannelInactive()
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        answer.fail(LoadClientError(message))
        context.close(promise: nil)
    }
}
