import Foundation

/// Every 1:1 call on this node, as a pure state machine: events in (with `now`), messages
/// out. The Socket.IO layer validates payloads, feeds events and delivers the messages.
///
/// A call rings until the callee answers (active) or until it ends: hung up, rejected,
/// cancelled, unanswered within `ringTimeout`, or a party disconnected. While ringing or
/// active, both parties are busy. Ring timeouts live in the calls themselves and are swept
/// by `expire(now:)`; `nextDeadline` tells the I/O side when to call it (one timer, not
/// one per call).
public struct CallStateMachine<Payload: Sendable & Equatable>: Sendable {
    public struct Call: Sendable, Equatable {
        public enum State: Sendable, Equatable { case ringing, active }
        public var caller: ExtensionNumber
        public var callee: ExtensionNumber
        public var state: State
        public var startedAt: Date
        public var answeredAt: Date?
        /// When an unanswered call gives up.
        public var ringDeadline: Date

        func other(than party: ExtensionNumber) -> ExtensionNumber { party == caller ? callee : caller }
        func involves(_ party: ExtensionNumber) -> Bool { party == caller || party == callee }
    }

    /// What a party is told (API reference, "Server → Client Events").
    public enum Message: Sendable, Equatable {
        case incomingCall(from: ExtensionNumber, offer: Payload)
        case callMade(to: ExtensionNumber)
        case answerMade(from: ExtensionNumber, answer: Payload)
        case iceCandidateReceived(from: ExtensionNumber, candidate: Payload)
        case callEnded(from: ExtensionNumber, reason: CallEndReason)
        case error(SignalingErrorCode, message: String)
    }

    public struct Delivery: Sendable, Equatable {
        public var to: ExtensionNumber
        public var message: Message
    }

    /// A call that ended, for metrics (`calls_total{outcome}`, set-up time, duration).
    public struct Ended: Sendable, Equatable {
        public var call: Call
        public var reason: CallEndReason
        public var endedAt: Date
    }

    public struct Outcome: Sendable, Equatable {
        public var deliveries: [Delivery] = []
        public var ended: [Ended] = []
    }

    public let ringTimeout: Duration
    private(set) var calls: [Call] = []

    public init(ringTimeout: Duration = .seconds(45)) {
        self.ringTimeout = ringTimeout
    }

    public var activeCalls: [Call] { calls }

    public func isBusy(_ party: ExtensionNumber) -> Bool {
        calls.contains { $0.involves(party) }
    }

    /// `call-user`: `caller` rings `callee`, who must be online (`calleeOnline`).
    public mutating func call(from caller: ExtensionNumber, to callee: ExtensionNumber, offer: Payload, calleeOnline: Bool, now: Date) -> Outcome {
        if caller == callee { return .error(to: caller, .cannotCallSelf, "You cannot call your own extension") }
        guard calleeOnline else { return .error(to: caller, .userNotFound, "User \(callee) is not online") }
        if isBusy(caller) { return .error(to: caller, .alreadyInCall, "You are already in a call") }
        if isBusy(callee) { return .error(to: caller, .alreadyInCall, "User \(callee) is already in a call") }
        calls.append(Call(caller: caller, callee: callee, state: .ringing, startedAt: now, answeredAt: nil, ringDeadline: now.addingTimeInterval(ringTimeout.timeInterval)))
        return Outcome(deliveries: [
            Delivery(to: callee, message: .incomingCall(from: caller, offer: offer)),
            Delivery(to: caller, message: .callMade(to: callee)),
        ])
    }

    /// `answer-call`: `callee` accepts the call ringing from `caller`.
    public mutating func answer(from callee: ExtensionNumber, to caller: ExtensionNumber, answer: Payload, now: Date) -> Outcome {
        guard let index = calls.firstIndex(where: { $0.caller == caller && $0.callee == callee && $0.state == .ringing }) else {
            return .error(to: callee, .noActiveCall, "There is no incoming call from \(caller) to answer")
        }
        calls[index].state = .active
        calls[index].answeredAt = now
        return Outcome(deliveries: [Delivery(to: caller, message: .answerMade(from: callee, answer: answer))])
    }

    /// `ice-candidate`: forwarded to the other party of a ringing or active call (trickle
    /// ICE starts before the answer).
    public func iceCandidate(from sender: ExtensionNumber, to target: ExtensionNumber, candidate: Payload) -> Outcome {
        guard calls.contains(where: { $0.involves(sender) && $0.other(than: sender) == target }) else {
            return .error(to: sender, .noActiveCall, "There is no call with \(target)")
        }
        return Outcome(deliveries: [Delivery(to: target, message: .iceCandidateReceived(from: sender, candidate: candidate))])
    }

    /// `end-call`: either party ends the call; both are told, the sender as confirmation.
    public mutating func end(from sender: ExtensionNumber, to target: ExtensionNumber, now: Date) -> Outcome {
        guard let index = calls.firstIndex(where: { $0.involves(sender) && $0.other(than: sender) == target }) else {
            return .error(to: sender, .noActiveCall, "There is no call with \(target) to end")
        }
        let call = calls.remove(at: index)
        let reason: CallEndReason = call.state == .active ? .hangup : (sender == call.callee ? .rejected : .cancelled)
        return Outcome(
            deliveries: [
                Delivery(to: target, message: .callEnded(from: sender, reason: reason)),
                Delivery(to: sender, message: .callEnded(from: sender, reason: reason)),
            ],
            ended: [Ended(call: call, reason: reason, endedAt: now)])
    }

    /// A party's last connection went away: its calls end and the other parties are told.
    public mutating func disconnect(_ party: ExtensionNumber, now: Date) -> Outcome {
        var outcome = Outcome()
        for call in calls where call.involves(party) {
            outcome.deliveries.append(Delivery(to: call.other(than: party), message: .callEnded(from: party, reason: .disconnect)))
            outcome.ended.append(Ended(call: call, reason: .disconnect, endedAt: now))
        }
        calls.removeAll { $0.involves(party) }
        return outcome
    }

    /// Ends ringing calls whose ring timeout has passed; each party hears it from the other.
    public mutating func expire(now: Date) -> Outcome {
        var outcome = Outcome()
        for call in calls where call.state == .ringing && call.ringDeadline <= now {
            outcome.deliveries.append(Delivery(to: call.caller, message: .callEnded(from: call.callee, reason: .timeout)))
            outcome.deliveries.append(Delivery(to: call.callee, message: .callEnded(from: call.caller, reason: .timeout)))
            outcome.ended.append(Ended(call: call, reason: .timeout, endedAt: now))
        }
        calls.removeAll { $0.state == .ringing && $0.ringDeadline <= now }
        return outcome
    }

    /// The earliest ring deadline, when `expire(now:)` next has work.
    public var nextDeadline: Date? {
        calls.filter { $0.state == .ringing }.map(\.ringDeadline).min()
    }
}

extension CallStateMachine.Outcome {
    static func error(to party: ExtensionNumber, _ code: SignalingErrorCode, _ message: String) -> Self {
        Self(deliveries: [.init(to: party, message: .error(code, message: message))])
    }
}
