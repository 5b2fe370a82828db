import NIOCore
import Synchronization

/// Call set-ups between pairs of held connections, as sioload.py's `Calls`: the caller
/// sends `call-user`; the callee gets `incoming-call` and sends `answer-call`; the caller
/// gets `answer-made` and sends `end-call`; the callee gets `call-ended`. Each of the three
/// is an event relay, timed from this client's send to its receipt of the other party's
/// event. Events arrive on every event loop, so the state is behind one lock (1,500 events
/// a second hold it for microseconds).
final class CallDriver: Sendable {
    /// The three relays, in the order of a set-up; also the report's `hops_ms` labels.
    static let hops = ["call-user->incoming-call", "answer-call->answer-made", "end-call->call-ended"]
    /// Each hop's sent and received event names, by the hop's index.
    private static let sentEvents = ["call-user", "answer-call", "end-call"]
    private static let receivedEvents = ["incoming-call": 0, "answer-made": 1, "call-ended": 2]
    /// A set-up not ended within this time of its `call-user` counts as not completed.
    static let setupTimeout = TimeAmount.seconds(10)

    private struct SentEvent: Hashable {
        let name: String
        let from: String
        let to: String
    }

    private struct State {
        var sentAt: [SentEvent: NIODeadline] = [:]
        var hopSamples: [[Double]] = Array(repeating: [], count: CallDriver.hops.count)
        /// Open set-ups: the callee's extension → when its `call-user` was sent.
        var open: [String: NIODeadline] = [:]
        var completed = 0
        var settled = 0
        var lastSettled: NIODeadline?
        var sendLags: [Double] = []
        var errors: [JSONValue] = []
        var errorCount = 0

        /// A set-up is settled when it completed or timed out; `at` is when that happened.
        mutating func settle(completed: Bool, at time: NIODeadline) {
            settled += 1
            if completed { self.completed += 1 }
            lastSettled = max(lastSettled ?? time, time)
        }
    }

    private let state = Mutex(State())

    /// Schedules `count` set-ups at `rate` per second from `start` (open loop: each at its
    /// time, whether or not earlier ones are done), pair after pair, each on its caller's
    /// event loop so that the `call-user` goes out the moment its timer fires.
    func schedule(count: Int, rate: Double, from start: NIODeadline, pairs: [(HeldConnection, HeldConnection)]) {
        for index in 0..<count {
            let due = start + .nanoseconds(Int64(Double(index) * 1e9 / rate))
            let (caller, callee) = pairs[index % pairs.count]
            caller.channel.eventLoop.scheduleTask(deadline: due) {
                self.setUp(caller: caller, callee: callee, due: due)
            }
        }
    }

    private func setUp(caller: HeldConnection, callee: HeldConnection, due: NIODeadline) {
        let packet = CallPackets.callUser(to: callee.extensionNumber)
        state.withLock { state in
            let now = NIODeadline.now()
            state.sendLags.append(milliseconds(now - due))
            // A set-up still open for this callee (possible only after its timeout) has failed.
            if let previous = state.open.updateValue(now, forKey: callee.extensionNumber) {
                state.settle(completed: false, at: previous + Self.setupTimeout)
            }
            state.sentAt[SentEvent(name: "call-user", from: caller.extensionNumber, to: callee.extensionNumber)] = now
        }
        caller.send(packet)
    }

    /// An event that arrived on `connection` at `time`; answers it as the callee or the caller would.
    func received(_ name: String, body: JSONValue?, on connection: HeldConnection, at time: NIODeadline) throws(ProtocolViolation) {
        let me = connection.extensionNumber
        if name == "error" {
            return state.withLock { state in
                state.errorCount += 1
                if state.errors.count < 5 { state.errors.append(body ?? .null) }
            }
        }
        guard let hop = Self.receivedEvents[name] else { return }
        guard let from = body?["from"]?.stringValue else { throw ProtocolViolation("no \"from\" extension in the event") }
        let sentName = Self.sentEvents[hop]
        state.withLock { state in
            if let sent = state.sentAt.removeValue(forKey: SentEvent(name: sentName, from: from, to: me)) {
                state.hopSamples[hop].append(milliseconds(time - sent))
            }
            if hop == 2, let opened = state.open.removeValue(forKey: me) {
                state.settle(completed: time - opened <= Self.setupTimeout, at: time)
            }
        }
        switch hop {
        case 0: send("answer-call", CallPackets.answerCall(to: from), to: from, on: connection)
        case 1: send("end-call", CallPackets.endCall(to: from), to: from, on: connection)
        default: break
        }
    }

    private func send(_ name: String, _ packet: String, to target: String, on connection: HeldConnection) {
        state.withLock { state in
            state.sentAt[SentEvent(name: name, from: connection.extensionNumber, to: target)] = .now()
        }
        connection.send(packet)
    }

    /// Counts the open set-ups whose time is up as failed; true once all `count` are settled.
    func settleTimedOut(now: NIODeadline, count: Int) -> Bool {
        state.withLock { state in
            for (callee, opened) in state.open where now - opened > Self.setupTimeout {
                state.open[callee] = nil
                state.settle(completed: false, at: opened + Self.setupTimeout)
            }
            return state.settled >= count
        }
    }

    /// The phase's numbers; `start` is the first set-up's due time.
    func report(count: Int, rate: Double, pairs: Int, start: NIODeadline) -> Report.Calls {
        state.withLock { state in
            let elapsed = Double(((state.lastSettled ?? .now()) - start).nanoseconds) / 1e9
            return Report.Calls(
                rateTarget: rate, setups: count, completed: state.completed,
                achievedRate: rounded(Double(count) / elapsed, places: 1), pairs: pairs,
                errors: state.errors, errorCount: state.errorCount,
                eventRelayMs: Percentiles(state.hopSamples.flatMap { $0 }),
                hopsMs: Dictionary(uniqueKeysWithValues: zip(Self.hops, state.hopSamples.map(Percentiles.init))),
                clientSendLagMs: Percentiles(state.sendLags))
        }
    }
}

func milliseconds(_ amount: TimeAmount) -> Double {
    Double(amount.nanoseconds) / 1e6
}

/// The three events a set-up sends, with sioload.py's payloads, byte for byte.
enum CallPackets {
    /// The SDP both sides send: the server relays it untouched, only its size matters.
    static let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"

    static func callUser(to callee: String) -> String {
        ClientPacket.event("call-user", body: #"{"targetExtension":\#(jsonString(callee)),"offer":{"type":"offer","sdp":\#(jsonString(sdp))}}"#)
    }

    static func answerCall(to caller: String) -> String {
        ClientPacket.event("answer-call", body: #"{"targetExtension":\#(jsonString(caller)),"answer":{"type":"answer","sdp":\#(jsonString(sdp))}}"#)
    }

    static func endCall(to callee: String) -> String {
        ClientPacket.event("end-call", body: #"{"targetExtension":\#(jsonString(callee))}"#)
    }
}
