import Testing

@testable import Signal

/// The session state machine, driven with explicit time (suite configuration: 300/200 ms).
@Suite struct EngineIOSessionTests {
    let start = ContinuousClock.now
    let configuration = EngineIOConfiguration(pingInterval: 300, pingTimeout: 200, maxPayload: 100, maxBufferedBytes: 1_000)

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    func pollingSession() -> EngineIOSession {
        EngineIOSession(id: "s1", transport: .polling, configuration: configuration, now: start)
    }

    @Test func handshakeAdvertisesTheUpgradeOnlyForPolling() {
        #expect(pollingSession().handshake.upgrades == ["websocket"])
        let ws = EngineIOSession(id: "s2", transport: .websocket, configuration: configuration, now: start)
        #expect(ws.handshake.upgrades == [])
        #expect(ws.handshake.pingInterval == 300)
    }

    @Test func pingsAfterTheIntervalAndClosesWithoutPong() {
        var session = pollingSession()
        #expect(session.nextDeadline == at(300))
        #expect(session.tick(now: at(299)) == [])
        #expect(session.tick(now: at(300)) == [])  // no poll pending: the ping is buffered
        #expect(session.poll() == .respond([.ping("")]))
        #expect(session.nextDeadline == at(500))
        #expect(session.tick(now: at(500)) == [.closed(.pingTimeout)])
        #expect(session.isClosed)
        #expect(session.nextDeadline == nil)
    }

    @Test func aLateTimerDoesNotStretchTheTimeoutOfABufferedPing() {
        var session = pollingSession()
        _ = session.tick(now: at(350))
        #expect(session.nextDeadline == at(500))
        #expect(session.tick(now: at(500)) == [.closed(.pingTimeout)])
    }

    @Test func aLatePingThatGoesOutAtOnceGetsTheFullTimeout() {
        var session = pollingSession()
        #expect(session.poll() == .wait)
        #expect(session.tick(now: at(350)) == [.completePoll([.ping("")])])
        #expect(session.nextDeadline == at(550))
        var webSocket = EngineIOSession(id: "s2", transport: .websocket, configuration: configuration, now: start)
        #expect(webSocket.tick(now: at(320)) == [.flushWebSocket])
        #expect(webSocket.nextDeadline == at(520))
    }

    @Test func pingsKeepTheirCadenceAfterAPong() {
        var session = pollingSession()
        #expect(session.poll() == .wait)
        #expect(session.tick(now: at(300)) == [.completePoll([.ping("")])])
        #expect(session.receive(.pong(""), now: at(350)) == [])
        #expect(session.nextDeadline == at(600))
        #expect(session.poll() == .wait)
        #expect(session.tick(now: at(599)) == [])
        #expect(session.tick(now: at(600)) == [.completePoll([.ping("")])])
    }

    @Test func aPongAfterTheNextPingWasDueSchedulesItAtOnce() {
        var session = EngineIOSession(
            id: "s3", transport: .websocket,
            configuration: EngineIOConfiguration(pingInterval: 100, pingTimeout: 200), now: start)
        _ = session.tick(now: at(100))
        _ = session.receive(.pong(""), now: at(250))
        #expect(session.nextDeadline == at(250))
    }

    @Test func pendingPollIsAnsweredByThePing() {
        var session = pollingSession()
        #expect(session.poll() == .wait)
        #expect(session.tick(now: at(300)) == [.completePoll([.ping("")])])
        #expect(session.poll() == .wait)
    }

    @Test func messagesAreDeliveredAndEchoedThroughThePoll() {
        var session = pollingSession()
        #expect(session.receive(.message(.text("hello")), now: at(10)) == [.deliver(.text("hello"))])
        #expect(session.send(.message(.text("hello"))) == [])
        #expect(session.poll() == .respond([.message(.text("hello"))]))
    }

    @Test func pollResponsesStopAtMaxPayload() {
        var session = pollingSession()
        let big = String(repeating: "x", count: 60)
        _ = session.send(.message(.text(big)))
        _ = session.send(.message(.text(big)))
        #expect(session.poll() == .respond([.message(.text(big))]))
        #expect(session.poll() == .respond([.message(.text(big))]))
        #expect(session.poll() == .wait)
    }

    @Test func aSinglePacketLargerThanMaxPayloadStillGoesOut() {
        var session = pollingSession()
        let big = String(repeating: "x", count: 150)
        _ = session.send(.message(.text(big)))
        #expect(session.poll() == .respond([.message(.text(big))]))
    }

    @Test func duplicatePollClosesTheSession() {
        var session = pollingSession()
        #expect(session.poll() == .wait)
        #expect(session.poll() == .reject(.badRequest, actions: [.completePoll([.close]), .closed(.duplicateRequest)]))
        #expect(session.poll() == .reject(.unknownSessionID, actions: []))
    }

    @Test func duplicatePostClosesTheSession() {
        var session = pollingSession()
        #expect(session.beginPost() == nil)
        let refused = session.beginPost()
        #expect(refused?.error == .badRequest)
        #expect(refused?.actions == [.closed(.duplicateRequest)])
    }

    @Test func sequentialPostsAreFine() {
        var session = pollingSession()
        #expect(session.beginPost() == nil)
        session.endPost()
        #expect(session.beginPost() == nil)
    }

    @Test func clientCloseEndsThePendingPollWithNoop() {
        var session = pollingSession()
        #expect(session.poll() == .wait)
        #expect(session.receive(.close, now: at(10)) == [.completePoll([.noop]), .closed(.clientClosed)])
        #expect(session.isClosed)
    }

    @Test func clientCloseOvertakingItsPollLeavesANoopForIt() {
        var session = pollingSession()
        _ = session.send(.message(.text("dropped")))
        #expect(session.receive(.close, now: at(10)) == [])
        #expect(session.send(.message(.text("late"))) == [])
        #expect(session.poll() == .respond([.noop]))
        #expect(session.finishClosing() == [.closed(.clientClosed)])
        #expect(session.poll() == .reject(.unknownSessionID, actions: []))
    }

    @Test func clientCloseWithoutAPollEndsAfterAGrace() {
        var session = pollingSession()
        _ = session.receive(.close, now: at(10))
        #expect(session.nextDeadline == at(210))
        #expect(session.tick(now: at(210)) == [.closed(.clientClosed)])
    }

    @Test func malformedInputClosesTheSession() {
        var session = pollingSession()
        #expect(session.receiveMalformed() == [.closed(.parseError)])
        #expect(session.beginPost()?.error == .unknownSessionID)
    }

    @Test func anOpenPacketFromTheClientIsAProtocolError() {
        var session = pollingSession()
        #expect(session.receive(.open("{}"), now: at(1)) == [.closed(.parseError)])
    }

    @Test func bufferOverflowClosesTheSession() {
        var session = pollingSession()
        let chunk = String(repeating: "y", count: 400)
        #expect(session.send(.message(.text(chunk))) == [])
        #expect(session.send(.message(.text(chunk))) == [])
        #expect(session.send(.message(.text(chunk))) == [.closed(.bufferOverflow)])
        #expect(session.outgoingBytes == 0)
    }

    @Test func abandonedPollIsForgotten() {
        var session = pollingSession()
        #expect(session.poll() == .wait)
        session.pollAbandoned()
        #expect(session.poll() == .wait)
    }

    @Test func serverCloseFlushesBufferedPacketsToThePendingPoll() {
        var session = pollingSession()
        #expect(session.poll() == .wait)
        _ = session.send(.message(.text("bye")))  // completes the poll
        #expect(session.poll() == .wait)
        #expect(session.close(.serverClosed, now: at(5)) == [.completePoll([.close]), .closed(.serverClosed)])
    }

    @Test func serverCloseWaitsForTheNextPollWhenPacketsRemain() {
        var session = pollingSession()
        _ = session.send(.message(.text("41")))
        #expect(session.close(.serverClosed, now: at(5)) == [])
        #expect(!session.isClosed)
        #expect(session.nextDeadline == at(205))
        #expect(session.poll() == .respond([.message(.text("41")), .close]))
        #expect(session.finishClosing() == [.closed(.serverClosed)])
        #expect(session.isClosed)
    }

    @Test func gracefulCloseGivesUpAtItsDeadline() {
        var session = pollingSession()
        _ = session.send(.message(.text("41")))
        _ = session.close(.serverClosed, now: at(5))
        #expect(session.tick(now: at(204)) == [])
        #expect(session.tick(now: at(205)) == [.closed(.serverClosed)])
    }

    @Test func webSocketSessionFlushesThroughTheWriter() {
        var session = EngineIOSession(id: "w", transport: .websocket, configuration: configuration, now: start)
        #expect(session.send(.message(.text("a"))) == [.flushWebSocket])
        #expect(session.send(.message(.text("b"))) == [])
        #expect(session.drainForWebSocket() == [.message(.text("a")), .message(.text("b"))])
        #expect(session.drainForWebSocket() == [])
        #expect(session.poll() == .reject(.badRequest, actions: []))
        #expect(session.beginPost()?.error == .badRequest)
    }

    @Test func webSocketServerCloseKeepsPacketsForTheWriter() {
        var session = EngineIOSession(id: "w", transport: .websocket, configuration: configuration, now: start)
        _ = session.send(.message(.text("41")))
        #expect(session.close(.serverClosed, now: at(1)) == [.closed(.serverClosed)])
        #expect(session.drainForWebSocket() == [.message(.text("41"))])
    }

    @Test func sendingAfterCloseIsIgnored() {
        var session = pollingSession()
        _ = session.close(.transportClosed)
        #expect(session.send(.message(.text("late"))) == [])
        #expect(session.tick(now: at(1_000)) == [])
    }
}
