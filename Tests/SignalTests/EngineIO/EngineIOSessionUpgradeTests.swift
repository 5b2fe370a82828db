import Testing

@testable import Signal

/// The polling → WebSocket upgrade of the session state machine.
@Suite struct EngineIOSessionUpgradeTests {
    let start = ContinuousClock.now
    let configuration = EngineIOConfiguration(pingInterval: 300, pingTimeout: 200, upgradeTimeout: 1_000)

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    func pollingSession() -> EngineIOSession {
        EngineIOSession(id: "s1", transport: .polling, configuration: configuration, now: start)
    }

    @Test func completesTheSpecSequence() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.receiveOnProbe(.ping("probe"), now: at(2)) == [.sendOnProbe(.pong("probe"))])
        #expect(session.poll(now: at(3)) == .wait)
        #expect(session.tick(now: at(102)) == [])
        #expect(session.tick(now: at(103)) == [.completePoll([.noop])])
        #expect(session.receiveOnProbe(.upgrade, now: at(104)) == [.upgraded])
        #expect(session.transport == .websocket)
        #expect(session.handshake.upgrades == [])
        #expect(session.poll() == .reject(.badRequest, actions: []))
    }

    @Test func answersTheProbeOnce() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.receiveOnProbe(.ping("probe"), now: at(2)) == [.sendOnProbe(.pong("probe"))])
        #expect(session.receiveOnProbe(.ping("probe"), now: at(3)) == [])
        #expect(session.receiveOnProbe(.upgrade, now: at(4)) == [.upgraded])
    }

    @Test func endsAPendingPollWithNoopOnProbe() {
        var session = pollingSession()
        #expect(session.poll() == .wait)
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.receiveOnProbe(.ping("probe"), now: at(2)) == [.sendOnProbe(.pong("probe")), .completePoll([.noop])])
    }

    @Test func aPollOvertakenByTheUpgradePacketIsRefused() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.poll(now: at(2)) == .wait)  // may even come before the probe
        #expect(session.receiveOnProbe(.ping("probe"), now: at(3)) == [.sendOnProbe(.pong("probe"))])
        #expect(session.receiveOnProbe(.upgrade, now: at(4)) == [.failPoll(.badRequest), .upgraded])
        #expect(session.nextDeadline == at(300))
    }

    @Test func aFailedProbeTurnsTheHeldPollIntoAnOrdinaryOne() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.poll(now: at(2)) == .wait)
        #expect(session.receiveOnProbe(.message(.text("x")), now: at(3)) == [.closeProbe])
        #expect(session.tick(now: at(150)) == [])
        #expect(session.send(.message(.text("y"))) == [.completePoll([.message(.text("y"))])])
    }

    @Test func packetsBufferedDuringTheUpgradeGoToTheWebSocket() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.send(.message(.text("x"))) == [])
        #expect(session.receiveOnProbe(.upgrade, now: at(3)) == [.upgraded, .flushWebSocket])
        #expect(session.drainForWebSocket() == [.message(.text("x"))])
    }

    @Test func refusesASecondWebSocket() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.attachProbe(now: at(2)) == false)
        _ = session.receiveOnProbe(.upgrade, now: at(3))
        #expect(session.attachProbe(now: at(4)) == false)
    }

    @Test func aWebSocketSessionCannotBeUpgraded() {
        var session = EngineIOSession(id: "w", transport: .websocket, configuration: configuration, now: start)
        #expect(session.attachProbe(now: at(1)) == false)
    }

    @Test func anUnexpectedProbePacketAbortsTheUpgradeOnly() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.receiveOnProbe(.message(.text("x")), now: at(2)) == [.closeProbe])
        #expect(session.transport == .polling)
        #expect(!session.isClosed)
        #expect(session.attachProbe(now: at(3)) == true)
    }

    @Test func theUpgradeTimesOut() {
        var session = pollingSession()
        _ = session.tick(now: at(300))
        _ = session.receive(.pong(""), now: at(300))
        #expect(session.attachProbe(now: at(400)) == true)
        #expect(session.nextDeadline == at(600))
        _ = session.receive(.pong(""), now: at(1_300))
        #expect(session.tick(now: at(1_400)) == [.closeProbe])
        #expect(session.transport == .polling)
    }

    @Test func aClosedProbeLetsTheSessionGoOnPolling() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        session.probeClosed()
        #expect(session.poll() == .wait)
    }

    @Test func closingTheSessionClosesTheProbe() {
        var session = pollingSession()
        #expect(session.attachProbe(now: at(1)) == true)
        #expect(session.close(.pingTimeout) == [.closeProbe, .closed(.pingTimeout)])
    }
}
