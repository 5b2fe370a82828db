import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Signal

/// HTTP/1.1 lets a client upgrade a kept-alive connection on any request, not only its
/// first: aiohttp registers a guest, then opens the Socket.IO WebSocket on the same socket.
@Suite(.timeLimit(.minutes(1))) struct LateUpgradeTests {
    /// Everything a raw client received, as text, and a way to wait for more of it.
    final class Received: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes = Mutex<[UInt8]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            bytes.withLock { $0 += Array(buffer.readableBytesView) }
        }

        /// Waits (bounded) until the text received contains `marker`.
        func text(containing marker: String) async throws -> String {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let text = String(decoding: bytes.withLock { $0 }, as: UTF8.self)
                if text.contains(marker) { return text }
                try #require(ContinuousClock.now < deadline, "never received \(marker): \(text)")
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    static let upgrade = """
        GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r
        Host: localhost\r
        Upgrade: websocket\r
        Connection: Upgrade\r
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
        Sec-WebSocket-Version: 13\r
        \r

        """

    @Test func aKeptAliveConnectionUpgradesOnALaterRequest() async throws {
        let io = SocketIOServer(configuration: EngineIOConfiguration(allowedOrigins: .any))
        let router = Router()
        router.get("/hello") { _, _ in "hello" }
        io.addRoutes(to: router)
        let app = Application(router: router, server: .engineIO([io.engine]))
        try await app.test(.live) { client in
            let received = Received()
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(received) }
                }
                .connect(host: "127.0.0.1", port: try #require(client.port)).get()
            try await channel.writeAndFlush(ByteBuffer(string: "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"))
            _ = try await received.text(containing: "hello")
            try await channel.writeAndFlush(ByteBuffer(string: Self.upgrade))
            let text = try await received.text(containing: "\"upgrades\":[]}")
            #expect(text.contains("HTTP/1.1 101 Switching Protocols"))
            #expect(text.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "RFC 6455 1.3's accept value")
            // A WebSocket text frame (FIN + opcode 1) carries the Engine.IO open packet.
            let bytes = received.bytes.withLock { $0 }
            let frameStart = try #require(bytes.firstIndex(of: 0x81))
            #expect(bytes[frameStart + 2] == UInt8(ascii: "0"))
            try await channel.close()
        }
    }
}
