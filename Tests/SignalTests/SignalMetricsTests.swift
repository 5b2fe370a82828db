import CoreMetrics
import Synchronization
import Testing

@testable import Signal

/// Records which series exist (and their values) by label and dimensions.
private final class SeriesRecorder: MetricsFactory, Sendable {
    let values = Mutex<[String: Int64]>([:])

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }).joined(separator: " ")
    }

    final class Handler: CounterHandler, RecorderHandler, TimerHandler, Sendable {
        let key: String
        let owner: SeriesRecorder
        init(key: String, owner: SeriesRecorder) {
            self.key = key
            self.owner = owner
            owner.values.withLock { $0[key] = $0[key] ?? 0 }
        }
        func increment(by amount: Int64) { owner.values.withLock { $0[key, default: 0] += amount } }
        func reset() { owner.values.withLock { $0[key] = 0 } }
        func record(_ value: Int64) { owner.values.withLock { $0[key] = value } }
        func record(_ value: Double) { owner.values.withLock { $0[key] = Int64(value) } }
        func recordNanoseconds(_ duration: Int64) {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(key: Self.key(label, dimensions), owner: self)
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(key: Self.key(label, dimensions), owner: self)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handler(key: Self.key(label, dimensions), owner: self)
    }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// Every signaling family is on `/metrics` from start-up, at zero.
@Suite struct SignalMetricsTests {
    @Test func announceCreatesEveryFixedSeriesAtZero() {
        let recorder = SeriesRecorder()
        SignalMetrics.announce(factory: recorder)
        let values = recorder.values.withLock { $0 }
        var expected = ["websocket_connections_active", "call_setup_seconds", "call_duration_seconds", "socketio_event_relay_seconds"]
        for event in ["call-user", "answer-call", "ice-candidate", "end-call", "other"] {
            expected.append("socketio_events_total direction=received event=\(event)")
        }
        for event in ["incoming-call", "call-made", "answer-made", "ice-candidate-received", "call-ended", "error"] {
            expected.append("socketio_events_total direction=sent event=\(event)")
        }
        for outcome in ["answered", "rejected", "cancelled", "timeout", "disconnect"] {
            expected.append("calls_total outcome=\(outcome)")
        }
        #expect(Set(values.keys) == Set(expected))
        #expect(values.values.allSatisfy { $0 == 0 })
    }

    /// A client may emit any event name; only the protocol's become labels.
    @Test func receivedEventNamesOutsideTheProtocolCountAsOther() {
        #expect(SignalMetrics.eventLabel("call-user", .received) == "call-user")
        #expect(SignalMetrics.eventLabel("made-up-\(UInt64.random(in: 0...UInt64.max))", .received) == "other")
        #expect(SignalMetrics.eventLabel("ice-servers", .sent) == "ice-servers")
    }
}
