import Testing

@testable import Signal

@Suite struct EngineIORequestTests {
    @Test func acceptsAPollingHandshake() throws {
        let request = try EngineIORequest(query: ["EIO": "4", "transport": "polling"], method: .get, isWebSocketUpgrade: false)
        #expect(request == EngineIORequest(transport: .polling, sid: nil))
    }

    @Test func acceptsAPollingPostWithSID() throws {
        let request = try EngineIORequest(
            query: ["EIO": "4", "transport": "polling", "sid": "abc"], method: .post, isWebSocketUpgrade: false)
        #expect(request.sid == "abc")
    }

    @Test func acceptsAWebSocketUpgrade() throws {
        let request = try EngineIORequest(query: ["EIO": "4", "transport": "websocket"], method: .get, isWebSocketUpgrade: true)
        #expect(request.transport == .websocket)
    }

    @Test(arguments: [
        (["transport": "polling"], EngineIORequest.Method.get, false, EngineIOError.unsupportedProtocolVersion),
        (["EIO": "abc", "transport": "polling"], .get, false, .unsupportedProtocolVersion),
        (["EIO": "3", "transport": "polling"], .get, false, .unsupportedProtocolVersion),
        (["EIO": "4"], .get, false, .unknownTransport),
        (["EIO": "4", "transport": "abc"], .get, false, .unknownTransport),
        (["EIO": "4", "transport": "polling"], .post, false, .badHandshakeMethod),
        (["EIO": "4", "transport": "polling"], .other, false, .badHandshakeMethod),
        (["EIO": "4", "transport": "polling", "sid": "x"], .other, false, .badRequest),
        (["EIO": "4", "transport": "websocket"], .get, false, .badRequest),
    ])
    func refusesBadRequests(query: [String: String], method: EngineIORequest.Method, upgrade: Bool, error: EngineIOError) {
        #expect(throws: error) { try EngineIORequest(query: query, method: method, isWebSocketUpgrade: upgrade) }
    }

    @Test func errorsMapToTheReferenceServerBodies() {
        #expect(EngineIOError.unknownTransport.jsonBody == #"{"code":0,"message":"Transport unknown"}"#)
        #expect(EngineIOError.unknownSessionID.jsonBody == #"{"code":1,"message":"Session ID unknown"}"#)
        #expect(EngineIOError.badHandshakeMethod.httpStatus == 400)
        #expect(EngineIOError.forbidden.httpStatus == 403)
        #expect(EngineIOError.payloadTooLarge.httpStatus == 413)
        #expect(EngineIOError.unsupportedProtocolVersion.code == 5)
    }

    @Test func handshakeJSON() {
        let handshake = EngineIOHandshake(sid: "abc", upgrades: ["websocket"], pingInterval: 300, pingTimeout: 200, maxPayload: 1_000_000)
        #expect(handshake.json == #"{"maxPayload":1000000,"pingInterval":300,"pingTimeout":200,"sid":"abc","upgrades":["websocket"]}"#)
    }

    @Test func allowedOrigins() {
        #expect(EngineIOConfiguration.AllowedOrigins.any.allows("https://x.example", host: nil))
        #expect(EngineIOConfiguration.AllowedOrigins.list([]).allows(nil, host: nil))
        #expect(!EngineIOConfiguration.AllowedOrigins.list([]).allows("https://x.example", host: "box:3000"))
        #expect(EngineIOConfiguration.AllowedOrigins.list([]).allows("http://box:3000", host: "box:3000"), "same origin")
        #expect(EngineIOConfiguration.AllowedOrigins.list(["https://x.example"]).allows("https://x.example", host: nil))
        #expect(!EngineIOConfiguration.AllowedOrigins.list(["https://x.example"]).allows("https://y.example", host: nil))
        #expect(EngineIOConfiguration.AllowedOrigins(configured: ["https://a", "*"]) == .any)
    }

    @Test func productionDefaults() {
        let configuration = EngineIOConfiguration()
        #expect(configuration.pingInterval == 25_000)
        #expect(configuration.pingTimeout == 20_000)
        #expect(configuration.maxPayload == 1_000_000)
        #expect(configuration.connectTimeout == 45_000)
    }
}
