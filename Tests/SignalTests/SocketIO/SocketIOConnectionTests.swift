import Testing

@testable import Signal

@Suite struct SocketIOConnectionTests {
    let start = ContinuousClock.now
    let configuration = EngineIOConfiguration(maxPayload: 100, connectTimeout: 1_000)

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    func connection() -> SocketIOConnection {
        SocketIOConnection(namespaces: ["/", "/custom"], configuration: configuration, now: start)
    }

    @Test func connectsToTheMainNamespaceAfterAuthorization() {
        var connection = connection()
        #expect(connection.receive(.text("0")) == [.authorize(namespace: "/", auth: nil)])
        #expect(connection.accept(namespace: "/", socketID: "S1") == [.send(SocketIOPacket(kind: .connect, data: ["sid": "S1"]))])
        #expect(connection.socketID(in: "/") == "S1")
        #expect(connection.nextDeadline == nil)
    }

    @Test func passesTheAuthPayload() {
        var connection = connection()
        #expect(connection.receive(.text("0/custom,{\"token\":\"abc\"}")) == [.authorize(namespace: "/custom", auth: ["token": "abc"])])
    }

    @Test func refusesUnknownNamespaces() {
        var connection = connection()
        let actions = connection.receive(.text("0/random"))
        #expect(actions == [.send(SocketIOPacket(kind: .connectError, namespace: "/random", data: ["message": "Invalid namespace"]))])
        #expect(SocketIOPacket(kind: .connectError, namespace: "/random", data: ["message": "Invalid namespace"]).encoded()
            == [.text("4/random,{\"message\":\"Invalid namespace\"}")])
    }

    @Test func refusalCarriesMessageAndData() {
        var connection = connection()
        _ = connection.receive(.text("0"))
        #expect(connection.refuse(namespace: "/", message: "Not authorized", data: ["code": 401])
            == [.send(SocketIOPacket(kind: .connectError, data: ["message": "Not authorized", "data": ["code": 401]]))])
        #expect(connection.socketID(in: "/") == nil)
        // The client may try again.
        #expect(connection.receive(.text("0")) == [.authorize(namespace: "/", auth: nil)])
    }

    @Test func ignoresDuplicateConnects() {
        var connection = connection()
        _ = connection.receive(.text("0"))
        #expect(connection.receive(.text("0")) == [])
        _ = connection.accept(namespace: "/", socketID: "S1")
        #expect(connection.receive(.text("0")) == [])
        #expect(connection.accept(namespace: "/", socketID: "S2") == [])
    }

    @Test func closesWithoutConnectWithinTheTimeout() {
        var connection = connection()
        #expect(connection.nextDeadline == at(1_000))
        #expect(connection.tick(now: at(999)) == [])
        #expect(connection.tick(now: at(1_000)) == [.closeSession(.connectTimeout)])
        #expect(connection.receive(.text("0")) == [])
    }

    @Test func aRefusedConnectDoesNotStopTheTimeout() {
        var connection = connection()
        _ = connection.receive(.text("0"))
        _ = connection.refuse(namespace: "/", message: "no", data: nil)
        #expect(connection.tick(now: at(1_000)) == [.closeSession(.connectTimeout)])
    }

    @Test func dispatchesEventsAndAcksOfConnectedNamespaces() {
        var connection = connection()
        _ = connection.receive(.text("0"))
        _ = connection.accept(namespace: "/", socketID: "S1")
        #expect(connection.receive(.text("2[\"message\",1]")) == [.dispatch(socketID: "S1", .event("message", [1]))])
        #expect(connection.receive(.text("31[\"ok\"]")) == [.dispatch(socketID: "S1", SocketIOPacket(kind: .ack, id: 1, data: ["ok"]))])
        #expect(connection.receive(.text("2/custom,[\"message\"]")) == [])
    }

    @Test func dispatchesReassembledBinaryEvents() throws {
        var connection = connection()
        _ = connection.receive(.text("0"))
        _ = connection.accept(namespace: "/", socketID: "S1")
        #expect(connection.receive(.text("51-[\"file\",{\"_placeholder\":true,\"num\":0}]")) == [])
        let actions = connection.receive(.binary([7]))
        guard case .dispatch("S1", let packet)? = actions.first else {
            Issue.record("no dispatch: \(actions)")
            return
        }
        #expect(packet.eventNameAndArguments?.arguments == [.binary([7])])
    }

    @Test func clientDisconnectLeavesTheOtherNamespaces() {
        var connection = connection()
        _ = connection.receive(.text("0"))
        _ = connection.accept(namespace: "/", socketID: "S1")
        _ = connection.receive(.text("0/custom,"))
        _ = connection.accept(namespace: "/custom", socketID: "S2")
        #expect(connection.receive(.text("1/custom,")) == [.disconnected(socketID: "S2", reason: .clientNamespaceDisconnect)])
        #expect(connection.receive(.text("1/custom,")) == [])
        #expect(connection.socketID(in: "/") == "S1")
    }

    @Test func serverDisconnectSendsDisconnect() {
        var connection = connection()
        _ = connection.receive(.text("0"))
        _ = connection.accept(namespace: "/", socketID: "S1")
        #expect(connection.disconnect(namespace: "/") == [
            .send(SocketIOPacket(kind: .disconnect)), .disconnected(socketID: "S1", reason: .serverNamespaceDisconnect),
        ])
        #expect(connection.disconnect(namespace: "/") == [])
    }

    @Test(arguments: ["abc", "2{}", "2abc[\"message-with-ack\"]", "4{\"message\":\"x\"}", "2[\"x\""])
    func malformedPacketsCloseTheConnection(text: String) {
        var connection = connection()
        _ = connection.receive(.text("0"))
        _ = connection.accept(namespace: "/", socketID: "S1")
        #expect(connection.receive(.text(text)) == [
            .disconnected(socketID: "S1", reason: .parseError), .closeSession(.parseError),
        ])
    }

    @Test func anUnexpectedBinaryClosesTheConnection() {
        var connection = connection()
        #expect(connection.receive(.binary([1])) == [.closeSession(.parseError)])
    }

    @Test func oversizedAttachmentsCloseTheConnection() {
        var connection = connection()
        _ = connection.receive(.text("51-[\"f\",{\"_placeholder\":true,\"num\":0}]"))
        #expect(connection.receive(.binary(Array(repeating: 0, count: 101))) == [.closeSession(.parseError)])
    }

    @Test func sessionCloseDisconnectsEverySocket() {
        var connection = connection()
        _ = connection.receive(.text("0"))
        _ = connection.accept(namespace: "/", socketID: "S1")
        _ = connection.receive(.text("0/custom"))
        _ = connection.accept(namespace: "/custom", socketID: "S2")
        #expect(connection.close(reason: .transportClose) == [
            .disconnected(socketID: "S1", reason: .transportClose), .disconnected(socketID: "S2", reason: .transportClose),
        ])
        #expect(connection.close(reason: .transportClose) == [])
    }

    @Test func disconnectReasonsFollowTheEngineIOReason() {
        #expect(SocketIODisconnectReason(.pingTimeout) == .pingTimeout)
        #expect(SocketIODisconnectReason(.transportClosed).rawValue == "transport close")
        #expect(SocketIODisconnectReason(.bufferOverflow) == .transportError)
    }
}
