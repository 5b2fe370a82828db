import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import Testing

@testable import Signal

/// The WebSocket transport on a live loopback server (the upgrade: `WebSocketProtocolTests`).
@Suite struct WebSocketTransportTests {
    /// hummingbird-websocket's client sends `Origin: ws://localhost`.
    static let configuration = EngineIOConfiguration(
        pingInterval: 5_000, pingTimeout: 5_000, connectTimeout: 5_000, allowedOrigins: .list(["ws://localhost"]))

    func withLiveServer(_ test: @escaping @Sendable (any TestClientProtocol, SocketIOServer) async throws -> Void) async throws {
        let io = SocketIOServer(configuration: Self.configuration)
        io.of("/").on("echo") { _, arguments, ack in ack?(arguments) }
        let router = Router()
        io.addRoutes(to: router)
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: .init(ws: io.webSocketConfiguration)) { request, channel, _ in
                io.shouldUpgrade(request, channel: channel) ?? .dontUpgrade
            }
        )
        try await app.test(.live) { client in try await test(client, io) }
    }

    static func nextText(_ messages: inout WebSocketInboundMessageStream.AsyncIterator) async throws -> String? {
        guard case .text(let text)? = try await messages.next() else { return nil }
        return text
    }

    @Test func webSocketOnlySession() async throws {
        try await withLiveServer { client, _ in
            try await client.ws("/socket.io/?EIO=4&transport=websocket") { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                let open = try #require(try await Self.nextText(&messages))
                #expect(open.hasPrefix("0{"))
                #expect(try JSONValue(parsing: open.dropFirst())["upgrades"] == [])
                try await outbound.write(.text("40"))
                #expect(try await Self.nextText(&messages)?.hasPrefix("40{\"sid\":") == true)
                try await outbound.write(.text("427[\"echo\",\"hi\"]"))
                #expect(try await Self.nextText(&messages) == "437[\"hi\"]")
                try await outbound.write(.binary(ByteBuffer(bytes: [9])))  // an attachment nobody announced
                #expect(try await messages.next() == nil)  // closes the connection
            }
        }
    }

    @Test func refusesForeignOrigins() async throws {
        try await withLiveServer { client, _ in
            await #expect(throws: (any Error).self) {
                try await client.ws(
                    "/socket.io/?EIO=4&transport=websocket",
                    configuration: .init(additionalHeaders: [.origin: "https://evil.example"])
                ) { _, _, _ in }
            }
        }
    }
}
