import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

/// The Socket.IO server API end to end over long-polling (Hummingbird's router, no sockets).
@Suite struct SocketIOServerTests {
    static let configuration = EngineIOConfiguration(pingInterval: 5_000, pingTimeout: 5_000, connectTimeout: 5_000)

    /// A polling Socket.IO client speaking raw packets.
    struct PollingClient {
        let client: any TestClientProtocol
        let sid: String
        var uri: String { "/socket.io/?EIO=4&transport=polling&sid=\(sid)" }

        static func open(_ client: any TestClientProtocol, headers: HTTPFields = [:]) async throws -> PollingClient {
            let body = try await client.execute(uri: "/socket.io/?EIO=4&transport=polling&token=q", method: .get, headers: headers) {
                String(buffer: $0.body)
            }
            return PollingClient(client: client, sid: try EngineIOPollingTests.sid(from: body))
        }

        func post(_ payload: String) async throws {
            try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: payload)) { #expect($0.status == .ok) }
        }

        func poll() async throws -> String {
            try await client.execute(uri: uri, method: .get) { String(buffer: $0.body) }
        }
    }

    func withServer(
        _ setUp: (SocketIOServer) -> Void,
        _ test: @escaping @Sendable (any TestClientProtocol, SocketIOServer) async throws -> Void
    ) async throws {
        let io = SocketIOServer(configuration: Self.configuration)
        setUp(io)
        let router = Router()
        io.addRoutes(to: router)
        try await Application(router: router).test(.router) { client in try await test(client, io) }
    }

    static func connectReplySID(_ text: String, namespace: String = "") throws -> String {
        #expect(text.hasPrefix("40" + namespace))
        let json = try JSONValue(parsing: text.dropFirst(2 + namespace.count))
        return try #require(json["sid"]?.stringValue)
    }

    @Test func connectsRunsMiddlewareAndHandlesEventsWithAcks() async throws {
        try await withServer { io in
            io.of("/").use { handshake throws(SocketIOConnectError) in
                guard handshake.auth["token"] == "secret" else { throw SocketIOConnectError(message: "Not authorized", data: ["code": 401]) }
                #expect(handshake.request.query["token"] == "q")
                handshake.data = ["user": "alice"]
            }
            io.of("/").on("echo") { socket, arguments, ack in
                #expect(socket.data == ["user": "alice"])
                ack?(arguments)
            }
        } _: { client, io in
            let polling = try await PollingClient.open(client)
            try await polling.post("40{\"token\":\"wrong\"}")
            #expect(try await polling.poll() == "44{\"data\":{\"code\":401},\"message\":\"Not authorized\"}")
            try await polling.post("40{\"token\":\"secret\"}")
            let socketID = try Self.connectReplySID(try await polling.poll())
            #expect(io.socket(id: socketID)?.namespace == "/")
            try await polling.post("4212[\"echo\",1,{\"a\":\"b\"}]")
            #expect(try await polling.poll() == "4312[1,{\"a\":\"b\"}]")
        }
    }

    @Test func refusesUnknownNamespacesAndServesCustomOnes() async throws {
        try await withServer { io in
            _ = io.of("/custom")
        } _: { client, _ in
            let polling = try await PollingClient.open(client)
            try await polling.post("40/nope,")
            #expect(try await polling.poll() == "44/nope,{\"message\":\"Invalid namespace\"}")
            try await polling.post("40/custom,")
            _ = try Self.connectReplySID(try await polling.poll(), namespace: "/custom,")
        }
    }

    @Test func emitsToASocketAndReceivesItsAck() async throws {
        let connected = AsyncStream.makeStream(of: SocketIOSocket.self)
        try await withServer { io in
            io.of("/").onConnection { socket in connected.continuation.yield(socket) }
        } _: { client, io in
            let polling = try await PollingClient.open(client)
            try await polling.post("40")
            _ = try await polling.poll()
            var sockets = connected.stream.makeAsyncIterator()
            let socket = try #require(await sockets.next())
            async let answer = socket.emitWithAck("ring", [["from": "100"]], timeout: .seconds(5))
            #expect(try await polling.poll() == "420[\"ring\",{\"from\":\"100\"}]")
            try await polling.post("430[\"accepted\"]")
            #expect(try await answer == ["accepted"])
        }
    }

    @Test func aHandlerMayAwaitItsOwnClientsAck() async throws {
        try await withServer { io in
            io.of("/").on("ask-me") { socket, _, _ in
                let reply = (try? await socket.emitWithAck("question", [], timeout: .seconds(5))) ?? []
                socket.emit("got", reply)
            }
        } _: { client, _ in
            let polling = try await PollingClient.open(client)
            try await polling.post("40")
            _ = try await polling.poll()
            try await polling.post("42[\"ask-me\"]")
            #expect(try await polling.poll() == "420[\"question\"]")
            try await polling.post("430[\"yes\"]")
            #expect(try await polling.poll() == "42[\"got\",\"yes\"]")
        }
    }

    /// A handler that cannot suspend runs on the reading task, but never before a
    /// suspending one of the same connection that came first.
    @Test func anImmediateHandlerWaitsItsTurnBehindASuspendingOne() async throws {
        try await withServer { io in
            io.of("/").on("slow") { socket, _, _ in
                try? await Task.sleep(for: .milliseconds(50))
                socket.emit("slow-done")
            }
            io.of("/").on("fast") { socket, _, _ in socket.emit("fast-done") }
            if case .immediate? = io.of("/").handler(for: "fast") {} else { Issue.record("a closure without await is not immediate") }
            if case .suspending? = io.of("/").handler(for: "slow") {} else { Issue.record("a closure with await is not suspending") }
        } _: { client, _ in
            let polling = try await PollingClient.open(client)
            try await polling.post("40")
            _ = try await polling.poll()
            try await polling.post("42[\"slow\"]\u{1e}42[\"fast\"]")
            var received = ""
            for _ in 0..<5 where !received.contains("fast-done") { received += try await polling.poll() + "\u{1e}" }
            #expect(received == "42[\"slow-done\"]\u{1e}42[\"fast-done\"]\u{1e}")
        }
    }

    @Test func ackTimesOut() async throws {
        let connected = AsyncStream.makeStream(of: SocketIOSocket.self)
        try await withServer { io in
            io.of("/").onConnection { socket in connected.continuation.yield(socket) }
        } _: { client, _ in
            let polling = try await PollingClient.open(client)
            try await polling.post("40")
            _ = try await polling.poll()
            var sockets = connected.stream.makeAsyncIterator()
            let socket = try #require(await sockets.next())
            await #expect(throws: SocketIOAckError.timeout) {
                try await socket.emitWithAck("ring", [], timeout: .milliseconds(20))
            }
        }
    }

    @Test func serverDisconnectReachesTheClientAndTheHandlers() async throws {
        let reasons = AsyncStream.makeStream(of: SocketIODisconnectReason.self)
        try await withServer { io in
            io.of("/").on("leave-me") { socket, _, _ in socket.disconnect() }
            io.of("/").onDisconnect { _, reason in reasons.continuation.yield(reason) }
        } _: { client, io in
            let polling = try await PollingClient.open(client)
            try await polling.post("40")
            let socketID = try Self.connectReplySID(try await polling.poll())
            try await polling.post("42[\"leave-me\"]")
            #expect(try await polling.poll() == "41")
            var iterator = reasons.stream.makeAsyncIterator()
            #expect(await iterator.next() == .serverNamespaceDisconnect)
            #expect(io.socket(id: socketID) == nil)
        }
    }

    @Test func binaryEventsArriveReassembled() async throws {
        let received = AsyncStream.makeStream(of: [JSONValue].self)
        try await withServer { io in
            io.of("/").on("upload") { _, arguments, _ in received.continuation.yield(arguments) }
        } _: { client, _ in
            let polling = try await PollingClient.open(client)
            try await polling.post("40")
            _ = try await polling.poll()
            try await polling.post("451-[\"upload\",{\"_placeholder\":true,\"num\":0}]\u{1E}bAQID")
            var iterator = received.stream.makeAsyncIterator()
            #expect(await iterator.next() == [.binary([1, 2, 3])])
        }
    }

    @Test func malformedPacketsCloseTheConnection() async throws {
        try await withServer { _ in } _: { client, io in
            let polling = try await PollingClient.open(client)
            try await polling.post("40")
            _ = try await polling.poll()
            try await polling.post("42{}")
            try await client.execute(uri: polling.uri, method: .get) { #expect($0.status == .badRequest) }
            #expect(io.engine.connection(id: polling.sid) == nil)
        }
    }
}
