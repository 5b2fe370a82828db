import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWSClient
import Testing

@testable import Signal

/// Engine.IO v4 and Socket.IO v5 over a live WebSocket, written from the two protocol
/// specs: every WebSocket behaviour the official server suites check, against a server set
/// up as they expect (auth echoed as an `auth` event, `message` → `message-back`, acks
/// echoed, a `/custom` namespace).
@Suite(.timeLimit(.minutes(1))) struct WebSocketProtocolTests {
    /// A heartbeat slow enough to stay out of the way; `heartbeat` is the quick one.
    static let quiet = EngineIOConfiguration(pingInterval: 10_000, pingTimeout: 10_000, connectTimeout: 10_000, allowedOrigins: .any)
    static let heartbeat = EngineIOConfiguration(pingInterval: 100, pingTimeout: 1_000, connectTimeout: 10_000, allowedOrigins: .any)

    func withLiveServer(
        _ configuration: EngineIOConfiguration = quiet,
        _ test: @escaping @Sendable (any TestClientProtocol, SocketIOServer) async throws -> Void
    ) async throws {
        let io = SocketIOServer(configuration: configuration)
        for namespace in [io.of("/"), io.of("/custom")] {
            namespace.onConnection { socket in socket.emit("auth", [socket.handshake.auth]) }
            namespace.on("message") { socket, arguments, _ in socket.emit("message-back", arguments) }
            namespace.on("message-with-ack") { _, arguments, ack in ack?(arguments) }
        }
        let router = Router()
        io.addRoutes(to: router)
        let app = Application(
            router: router,
            server: .engineIO([io.engine])
        )
        try await app.test(.live) { client in try await test(client, io) }
    }

    typealias Messages = WebSocketInboundMessageStream.AsyncIterator

    static func text(_ messages: inout Messages) async throws -> String? {
        switch try await messages.next() {
        case .text(let text)?: return text
        case .binary(let buffer)?: return "binary:" + Array(buffer: buffer).map(String.init).joined(separator: ",")
        case nil: return nil
        }
    }

    /// Opens a Socket.IO session over WebSocket and joins the main namespace.
    static func joinMain(_ messages: inout Messages, _ outbound: WebSocketOutboundWriter) async throws {
        #expect(try await text(&messages)?.hasPrefix("0{") == true)
        try await outbound.write(.text("40"))
        #expect(try await text(&messages)?.hasPrefix("40{\"sid\":") == true)
        #expect(try await text(&messages) == "42[\"auth\",{}]")
    }

    static let path = "/socket.io/?EIO=4&transport=websocket"

    // MARK: - Engine.IO

    @Test func handshakeAdvertisesNoUpgrade() async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, _, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                let open = try #require(try await Self.text(&messages))
                let handshake = try JSONValue(parsing: open.dropFirst())
                #expect(handshake["upgrades"] == [])
                #expect(handshake["pingInterval"] == 10_000)
                #expect(handshake["pingTimeout"] == 10_000)
                #expect(handshake["maxPayload"] == 1_000_000)
                #expect(handshake["sid"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test(arguments: ["/socket.io/?transport=websocket", "/socket.io/?EIO=abc&transport=websocket", "/socket.io/?EIO=3&transport=websocket", "/socket.io/?EIO=4&transport=abc"])
    func refusesAnUpgradeWithABadQuery(_ path: String) async throws {
        try await withLiveServer { client, _ in
            await #expect(throws: (any Error).self) { try await client.ws(path) { _, _, _ in } }
        }
    }

    @Test func pingsAnswersAndClosesWithoutPong() async throws {
        try await withLiveServer(Self.heartbeat) { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                #expect(try await Self.text(&messages)?.hasPrefix("0{") == true)
                for _ in 0..<3 {
                    #expect(try await Self.text(&messages) == "2")
                    try await outbound.write(.text("3"))
                }
                // No pong to this one: the server closes pingTimeout after it.
                #expect(try await Self.text(&messages) == "2")
                let unanswered = ContinuousClock.now
                #expect(try await Self.text(&messages) == nil)
                #expect(ContinuousClock.now - unanswered < .seconds(3))
            }
        }
    }

    @Test func aClientCloseEndsTheSession() async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                #expect(try await Self.text(&messages)?.hasPrefix("0{") == true)
                try await outbound.write(.text("1"))
                #expect(try await Self.text(&messages) == nil)
            }
        }
    }

    @Test func anUpgradedSessionRefusesPollingAndASecondWebSocket() async throws {
        try await withLiveServer { client, io in
            let body = try await client.execute(uri: "/socket.io/?EIO=4&transport=polling", method: .get) { String(buffer: $0.body) }
            let sid = try EngineIOPollingTests.sid(from: body)
            try await client.ws(Self.path + "&sid=\(sid)") { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text("2probe"))
                #expect(try await Self.text(&messages) == "3probe")
                try await outbound.write(.text("5"))
                // Packets are handled in order: the CONNECT reply shows the upgrade is done.
                try await outbound.write(.text("40"))
                #expect(try await Self.text(&messages)?.hasPrefix("40{\"sid\":") == true)
                #expect(try await Self.text(&messages) == "42[\"auth\",{}]")
                #expect(io.engine.connection(id: sid)?.transport == .websocket)
                try await client.execute(uri: "/socket.io/?EIO=4&transport=polling&sid=\(sid)", method: .get) {
                    #expect($0.status == .badRequest)
                }
                // "A client MUST NOT open more than one WebSocket connection per session."
                try await client.ws(Self.path + "&sid=\(sid)") { secondInbound, _, _ in
                    var second = secondInbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    let next = try await Self.text(&second)
                    #expect(next == nil)
                }
                // The upgraded session itself goes on.
                try await outbound.write(.text("42[\"message\",1]"))
                #expect(try await Self.text(&messages) == "42[\"message-back\",1]")
            }
        }
    }

    @Test func refusesForeignOrigins() async throws {
        // hummingbird-websocket's client sends `Origin: ws://localhost`.
        var configuration = Self.quiet
        configuration.allowedOrigins = .list(["ws://localhost"])
        try await withLiveServer(configuration) { client, _ in
            try await client.ws(Self.path) { inbound, _, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                let open = try await Self.text(&messages)
                #expect(open?.hasPrefix("0{") == true)
            }
            await #expect(throws: (any Error).self) {
                try await client.ws(Self.path, configuration: .init(additionalHeaders: [.origin: "https://evil.example"])) { _, _, _ in }
            }
        }
    }

    @Test func anUnexpectedAttachmentClosesTheConnection() async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await Self.joinMain(&messages, outbound)
                try await outbound.write(.binary(ByteBuffer(bytes: [9])))  // an attachment nobody announced
                #expect(try await Self.text(&messages) == nil)
            }
        }
    }

    @Test(arguments: [
        [.secWebSocketVersion: "13"],  // no key
        [.secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==", .secWebSocketVersion: "8"],  // RFC 6455 4.4: only 13
    ] as [HTTPFields])
    func anUpgradeWithoutAValidKeyOrVersionGets400(_ fields: HTTPFields) async throws {
        try await withLiveServer { client, _ in
            var headers: HTTPFields = [.connection: "Upgrade", .upgrade: "websocket"]
            headers.append(contentsOf: fields)
            try await client.execute(uri: Self.path, method: .get, headers: headers) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func anUnknownSIDIsRefused() async throws {
        try await withLiveServer { client, _ in
            await #expect(throws: (any Error).self) { try await client.ws(Self.path + "&sid=nope") { _, _, _ in } }
        }
    }

    // MARK: - Socket.IO

    @Test(arguments: [("", "{}"), ("", "{\"token\":\"123\"}"), ("/custom,", ""), ("/custom,", "{\"token\":\"abc\"}")])
    func theConnectReplyComesBeforeTheConnectionHandlersEvents(_ namespace: String, _ auth: String) async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                #expect(try await Self.text(&messages)?.hasPrefix("0{") == true)
                try await outbound.write(.text("40" + namespace + auth))
                let reply = try #require(try await Self.text(&messages))
                #expect(reply.hasPrefix("40" + namespace))
                let handshake = try JSONValue(parsing: reply.dropFirst(2 + namespace.count))
                #expect(handshake.objectValue?.keys.sorted() == ["sid"])
                #expect(try await Self.text(&messages) == "42\(namespace)[\"auth\",\(auth.isEmpty ? "{}" : auth)]")
            }
        }
    }

    @Test func refusesAnUnknownNamespace() async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                #expect(try await Self.text(&messages)?.hasPrefix("0{") == true)
                try await outbound.write(.text("40/random"))
                #expect(try await Self.text(&messages) == "44/random,{\"message\":\"Invalid namespace\"}")
            }
        }
    }

    @Test func closesOnAnInvalidHandshake() async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                #expect(try await Self.text(&messages)?.hasPrefix("0{") == true)
                try await outbound.write(.text("4abc"))
                #expect(try await Self.text(&messages) == nil)
            }
        }
    }

    @Test func closesWhenNoConnectArrivesInTime() async throws {
        var configuration = Self.quiet
        configuration.connectTimeout = 300
        try await withLiveServer(configuration) { client, _ in
            let started = ContinuousClock.now  // the session cannot open before this
            try await client.ws(Self.path) { inbound, _, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                let open = try await Self.text(&messages)
                #expect(open?.hasPrefix("0{") == true)
                let next = try await Self.text(&messages)
                #expect(next == nil)
                #expect(ContinuousClock.now - started >= .milliseconds(300))
            }
        }
    }

    @Test func leavingACustomNamespaceKeepsTheMainOne() async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await Self.joinMain(&messages, outbound)
                try await outbound.write(.text("40/custom"))
                #expect(try await Self.text(&messages)?.hasPrefix("40/custom,{\"sid\":") == true)
                #expect(try await Self.text(&messages) == "42/custom,[\"auth\",{}]")
                try await outbound.write(.text("41/custom"))
                try await outbound.write(.text("42/custom,[\"message\",\"ignored\"]"))
                try await outbound.write(.text("42[\"message\",\"message to main namespace\"]"))
                #expect(try await Self.text(&messages) == "42[\"message-back\",\"message to main namespace\"]")
            }
        }
    }

    @Test func echoesEventsAndAcks() async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await Self.joinMain(&messages, outbound)
                try await outbound.write(.text("42[\"message\",1,\"2\",{\"3\":[true]}]"))
                #expect(try await Self.text(&messages) == "42[\"message-back\",1,\"2\",{\"3\":[true]}]")
                try await outbound.write(.text("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]"))
                #expect(try await Self.text(&messages) == "43456[1,\"2\",{\"3\":[false]}]")
            }
        }
    }

    @Test(arguments: [
        ("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
         "452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"),
        ("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
         "462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"),
    ])
    func echoesBinaryAttachments(_ sent: String, _ expected: String) async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await Self.joinMain(&messages, outbound)
                try await outbound.write(.text(sent))
                try await outbound.write(.binary(ByteBuffer(bytes: [1, 2, 3])))
                try await outbound.write(.binary(ByteBuffer(bytes: [4, 5, 6])))
                #expect(try await Self.text(&messages) == expected)
                #expect(try await Self.text(&messages) == "binary:1,2,3")
                #expect(try await Self.text(&messages) == "binary:4,5,6")
            }
        }
    }

    @Test(arguments: ["4abc", "42{}", "42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]", "45[\"x\"]", "452-[\"x\"]4"])
    func closesOnAnInvalidPacketAfterConnecting(_ packet: String) async throws {
        try await withLiveServer { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await Self.joinMain(&messages, outbound)
                try await outbound.write(.text(packet))
                #expect(try await Self.text(&messages) == nil)
            }
        }
    }

    @Test func closesOnAMessageLargerThanMaxPayload() async throws {
        var configuration = Self.quiet
        configuration.maxPayload = 1_000
        try await withLiveServer(configuration) { client, _ in
            try await client.ws(Self.path) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await Self.joinMain(&messages, outbound)
                try await outbound.write(.text("42[\"message\",\"" + String(repeating: "x", count: 2_000) + "\"]"))
                #expect(try await Self.text(&messages) == nil)
            }
        }
    }
}
