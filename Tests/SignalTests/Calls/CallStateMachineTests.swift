import Foundation
import Testing

@testable import Signal

@Suite struct CallStateMachineTests {
    typealias Machine = CallStateMachine<String>
    let alice = ExtensionNumber("111-111")!
    let bob = ExtensionNumber("222-222")!
    let carol = ExtensionNumber("333-333")!
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func ringing() -> Machine {
        var machine = Machine(ringTimeout: .seconds(45))
        _ = machine.call(from: alice, to: bob, offer: "offer", calleeOnline: true, now: start)
        return machine
    }

    @Test func callingRingsTheCalleeAndConfirmsToTheCaller() {
        var machine = Machine()
        let outcome = machine.call(from: alice, to: bob, offer: "v=0 offer", calleeOnline: true, now: start)
        #expect(outcome.deliveries == [
            .init(to: bob, message: .incomingCall(from: alice, offer: "v=0 offer")),
            .init(to: alice, message: .callMade(to: bob)),
        ])
        #expect(machine.isBusy(alice) && machine.isBusy(bob))
        #expect(machine.nextDeadline == start.addingTimeInterval(45))
    }

    @Test func callErrors() {
        var machine = ringing()
        #expect(machine.call(from: carol, to: carol, offer: "o", calleeOnline: true, now: start).deliveries.first?.message == .error(.cannotCallSelf, message: "You cannot call your own extension"))
        #expect(machine.call(from: carol, to: ExtensionNumber("999-999")!, offer: "o", calleeOnline: false, now: start).deliveries.first?.message == .error(.userNotFound, message: "User 999-999 is not online"))
        #expect(machine.call(from: carol, to: bob, offer: "o", calleeOnline: true, now: start).deliveries.first?.message == .error(.alreadyInCall, message: "User 222-222 is already in a call"))
        #expect(machine.call(from: alice, to: carol, offer: "o", calleeOnline: true, now: start).deliveries.first?.message == .error(.alreadyInCall, message: "You are already in a call"))
        #expect(machine.activeCalls.count == 1)
    }

    @Test func answeringMakesTheCallActive() {
        var machine = ringing()
        let outcome = machine.answer(from: bob, to: alice, answer: "answer", now: start.addingTimeInterval(3))
        #expect(outcome.deliveries == [.init(to: alice, message: .answerMade(from: bob, answer: "answer"))])
        #expect(machine.activeCalls.first?.state == .active)
        #expect(machine.activeCalls.first?.answeredAt == start.addingTimeInterval(3))
        #expect(machine.nextDeadline == nil, "an answered call no longer times out")
        #expect(machine.expire(now: start.addingTimeInterval(100)).deliveries.isEmpty)
    }

    @Test func onlyTheCalleeOfARingingCallCanAnswer() {
        var machine = ringing()
        #expect(machine.answer(from: alice, to: bob, answer: "a", now: start).deliveries.first?.message == .error(.noActiveCall, message: "There is no incoming call from 222-222 to answer"))
        #expect(machine.answer(from: carol, to: alice, answer: "a", now: start).deliveries.first?.to == carol)
        _ = machine.answer(from: bob, to: alice, answer: "a", now: start)
        #expect(machine.answer(from: bob, to: alice, answer: "a", now: start).deliveries.first?.message == .error(.noActiveCall, message: "There is no incoming call from 111-111 to answer"))
    }

    @Test func candidatesFlowBothWaysWhileRingingAndActive() {
        var machine = ringing()
        #expect(machine.iceCandidate(from: alice, to: bob, candidate: "c1").deliveries == [.init(to: bob, message: .iceCandidateReceived(from: alice, candidate: "c1"))])
        _ = machine.answer(from: bob, to: alice, answer: "a", now: start)
        #expect(machine.iceCandidate(from: bob, to: alice, candidate: "c2").deliveries == [.init(to: alice, message: .iceCandidateReceived(from: bob, candidate: "c2"))])
        #expect(machine.iceCandidate(from: carol, to: alice, candidate: "c3").deliveries.first?.message == .error(.noActiveCall, message: "There is no call with 111-111"))
    }

    @Test(arguments: [(true, CallEndReason.hangup, true), (false, .rejected, true), (false, .cancelled, false)])
    func endingNotifiesBothParties(answered: Bool, reason: CallEndReason, calleeEnds: Bool) {
        var machine = ringing()
        if answered { _ = machine.answer(from: bob, to: alice, answer: "a", now: start) }
        let (sender, target) = calleeEnds ? (bob, alice) : (alice, bob)
        let outcome = machine.end(from: sender, to: target, now: start.addingTimeInterval(60))
        #expect(outcome.deliveries == [
            .init(to: target, message: .callEnded(from: sender, reason: reason)),
            .init(to: sender, message: .callEnded(from: sender, reason: reason)),
        ])
        #expect(outcome.ended.map(\.reason) == [reason])
        #expect(!machine.isBusy(alice) && !machine.isBusy(bob))
        #expect(machine.end(from: sender, to: target, now: start).deliveries.first?.message == .error(.noActiveCall, message: "There is no call with \(target) to end"))
    }

    @Test func unansweredCallsTimeOut() {
        var machine = ringing()
        #expect(machine.expire(now: start.addingTimeInterval(44)).deliveries.isEmpty)
        let outcome = machine.expire(now: start.addingTimeInterval(45))
        #expect(outcome.deliveries == [
            .init(to: alice, message: .callEnded(from: bob, reason: .timeout)),
            .init(to: bob, message: .callEnded(from: alice, reason: .timeout)),
        ])
        #expect(outcome.ended.first?.reason == .timeout)
        #expect(machine.activeCalls.isEmpty)
    }

    @Test func aDisconnectEndsThatPartysCalls() {
        var machine = ringing()
        _ = machine.answer(from: bob, to: alice, answer: "a", now: start)
        _ = machine.call(from: carol, to: ExtensionNumber("444-444")!, offer: "o", calleeOnline: true, now: start)
        let outcome = machine.disconnect(bob, now: start.addingTimeInterval(10))
        #expect(outcome.deliveries == [.init(to: alice, message: .callEnded(from: bob, reason: .disconnect))])
        #expect(machine.activeCalls.count == 1 && machine.isBusy(carol))
    }
}
