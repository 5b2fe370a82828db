import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

/// Echoes every message back, as the Engine.IO test suite's reference server does.
struct EchoDelegate: EngineIOServerDelegate {
    func engineIOConnectionOpened(_ connection: EngineIOConnection) async {}
    func engineIOConnection(_ connection: EngineIOConnection, received message: EngineIOData) async {
        connection.send([message])
    }
    func engineIOConnectionClosed(_ connection: EngineIOConnection, reason: EngineIOCloseReason) async {}
}

/// The long-polling routes through Hummingbird's router, without sockets.
@Suite struct EngineIOPollingTests {
    static let configuration = EngineIOConfiguration(
        pingInterval: 300, pingTimeout: 200, maxPayload: 1_000, allowedOrigins: .list(["https://app.example"]))

    /// The same limits with a heartbeat too slow to interleave a ping with a test's own
    /// packets on a busy machine; only the heartbeat test uses the fast one.
    static let quietConfiguration = EngineIOConfiguration(
        pingInterval: 60_000, pingTimeout: 60_000, maxPayload: 1_000, allowedOrigins: .list(["https://app.example"]))

    func withApp(
        configuration: EngineIOConfiguration = Self.quietConfiguration,
        _ test: @escaping @Sendable (any TestClientProtocol, EngineIOServer) async throws -> Void
    ) async throws {
        let engine = EngineIOServer(path: "/engine.io/", configuration: configuration, delegate: EchoDelegate())
        let router = Router()
        engine.addRoutes(to: router)
        try await Application(router: router).test(.router) { client in try await test(client, engine) }
    }

    static func sid(from body: String) throws -> String {
        #expect(body.hasPrefix("0"))
        let handshake = try JSONValue(parsing: body.dropFirst())
        return try #require(handshake["sid"]?.stringValue)
    }

    @Test func opensASession() async throws {
        try await withApp(configuration: Self.configuration) { client, engine in
            let body = try await client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; charset=UTF-8")
                return String(buffer: response.body)
            }
            let handshake = try JSONValue(parsing: body.dropFirst())
            #expect(handshake["upgrades"] == ["websocket"])
            #expect(handshake["pingInterval"] == 300)
            #expect(handshake["pingTimeout"] == 200)
            #expect(handshake["maxPayload"] == 1_000)
            #expect(engine.connection(id: try Self.sid(from: body)) != nil)
        }
    }

    @Test(arguments: [
        ("/engine.io/?transport=polling", HTTPRequest.Method.get, 5),
        ("/engine.io/?EIO=abc&transport=polling", .get, 5),
        ("/engine.io/?EIO=4", .get, 0),
        ("/engine.io/?EIO=4&transport=abc", .get, 0),
        ("/engine.io/?EIO=4&transport=polling", .post, 2),
        ("/engine.io/?EIO=4&transport=polling", .put, 2),
        ("/engine.io/?EIO=4&transport=polling&sid=nope", .get, 1),
        ("/engine.io/?EIO=4&transport=websocket", .get, 3),
    ])
    func refusesBadRequests(uri: String, method: HTTPRequest.Method, code: Int) async throws {
        try await withApp { client, _ in
            try await client.execute(uri: uri, method: method) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/json")
                let body = try JSONValue(parsing: String(buffer: response.body))
                #expect(body["code"]?.intValue == code)
            }
        }
    }

    @Test func echoesTextAndBinaryPackets() async throws {
        try await withApp { client, _ in
            let sid = try await Self.sid(from: client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get) { String(buffer: $0.body) })
            let uri = "/engine.io/?EIO=4&transport=polling&sid=\(sid)"
            try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: "4hello\u{1E}bAQIDBA==")) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok")
            }
            try await client.execute(uri: uri, method: .get) { response in
                #expect(String(buffer: response.body) == "4hello\u{1E}bAQIDBA==")
            }
        }
    }

    @Test func invalidPacketsCloseTheSession() async throws {
        try await withApp { client, engine in
            let sid = try await Self.sid(from: client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get) { String(buffer: $0.body) })
            let uri = "/engine.io/?EIO=4&transport=polling&sid=\(sid)"
            try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: "abc")) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
            }
            #expect(engine.connection(id: sid) == nil)
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        try await withApp { client, engine in
            let sid = try await Self.sid(from: client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get) { String(buffer: $0.body) })
            let body = ByteBuffer(string: "4" + String(repeating: "x", count: 2_000))
            try await client.execute(uri: "/engine.io/?EIO=4&transport=polling&sid=\(sid)", method: .post, body: body) { response in
                #expect(response.status == .contentTooLarge)
            }
            #expect(engine.connection(id: sid) == nil)
        }
    }

    @Test func heartbeatPingsThePollAndTimesOut() async throws {
        // A pingTimeout long enough for a test that starts late on a busy machine.
        var configuration = Self.configuration
        configuration.pingTimeout = 1_000
        try await withApp(configuration: configuration) { client, engine in
            let sid = try await Self.sid(from: client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get) { String(buffer: $0.body) })
            let uri = "/engine.io/?EIO=4&transport=polling&sid=\(sid)"
            try await client.execute(uri: uri, method: .get) { response in
                #expect(String(buffer: response.body) == "2")
            }
            try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: "3")) { #expect($0.status == .ok) }
            // No pong this time: the session ends pingTimeout after the next ping.
            try await client.execute(uri: uri, method: .get) { #expect(String(buffer: $0.body) == "2") }
            try await Task.sleep(for: .milliseconds(1_100))
            #expect(engine.connection(id: sid) == nil)
        }
    }

    /// A handshake needs no token: sessions that have not sent a message yet are capped
    /// per address, and a session that speaks (or ends) gives its place back.
    @Test func handshakesWaitingForTheirFirstMessageAreCappedPerAddress() async throws {
        var configuration = Self.quietConfiguration
        configuration.maximumPendingPerAddress = 2
        try await withApp(configuration: configuration) { client, _ in
            var sids: [String] = []
            for _ in 0..<2 {
                let body = try await client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get) { response in
                    #expect(response.status == .ok)
                    return String(buffer: response.body)
                }
                sids.append(try Self.sid(from: body))
            }
            try await client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == #"{"code":3,"message":"Too many sessions waiting to connect; retry shortly"}"#)
            }
            // The first session speaks: its place is free again.
            try await client.execute(
                uri: "/engine.io/?EIO=4&transport=polling&sid=\(sids[0])", method: .post, body: ByteBuffer(string: "4hello")
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func aCancelledPollGivesItsTurnBack() async throws {
        // A long heartbeat, so the poll below waits until it is cancelled.
        let engine = EngineIOServer(configuration: EngineIOConfiguration(pingInterval: 60_000, pingTimeout: 60_000), delegate: EchoDelegate())
        let connection = engine.open(transport: .polling, request: EngineIOHandshakeRequest(
            headers: [:], query: [:], remoteAddress: nil, transport: .polling), pending: try #require(engine.admitHandshake(from: nil)))
        let waiting = Task { await connection.poll() }
        let deadline = ContinuousClock.now + .seconds(10)
        while connection.state.withLock({ $0.pollWaiter == nil }) {
            try #require(ContinuousClock.now < deadline, "the poll never started waiting")
            try await Task.sleep(for: .milliseconds(1))
        }
        waiting.cancel()
        #expect(await waiting.value == .packets([.noop]))
        connection.send([.text("after")])
        #expect(await connection.poll() == .packets([.message(.text("after"))]))
        connection.close(.transportClosed)
    }

    @Test func corsForAllowedOrigins() async throws {
        try await withApp { client, _ in
            let origin: HTTPFields = [.origin: "https://app.example"]
            try await client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get, headers: origin) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example")
                #expect(response.headers[.accessControlAllowCredentials] == "true")
            }
            let preflight: HTTPFields = [.origin: "https://app.example", .accessControlRequestHeaders: "content-type"]
            try await client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .options, headers: preflight) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowMethods] == "GET, POST")
                #expect(response.headers[.accessControlAllowHeaders] == "content-type")
            }
            try await client.execute(uri: "/engine.io/?EIO=4&transport=polling", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func echoesConnectionClose() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/engine.io/?EIO=4", method: .get, headers: [.connection: "close"]) { response in
                #expect(response.headers[.connection] == "close")
            }
        }
    }
}
