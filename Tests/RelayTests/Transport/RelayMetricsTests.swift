import CoreMetrics
import Synchronization
import Testing
@testable import Relay

/// Records counter increments and gauge values by label and dimensions.
final class RecordingMetrics: MetricsFactory, Sendable {
    let values = Mutex<[String: Int64]>([:])

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }).joined(separator: " ")
    }

    final class Handler: CounterHandler, RecorderHandler, TimerHandler, Sendable {
        let key: String
        let owner: RecordingMetrics
        init(key: String, owner: RecordingMetrics) { self.key = key; self.owner = owner }
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

@Suite struct RelayMetricsTests {
    @Test func reportsDifferencesBetweenSnapshots() {
        let factory = RecordingMetrics()
        let metrics = RelayMetrics(factory: factory)
        var first = TURNStatistics()
        first.allocationsCreated = 2
        first.authFailures[.staleNonce] = 1
        first.drops[.malformed] = 3
        first.clientToPeerPackets = 10
        first.clientToPeerBytes = 1000
        metrics.report(from: TURNStatistics(), to: first, activeAllocations: 2, shard: 0)
        var second = first
        second.allocationsCreated = 3
        second.allocationsRefused[486] = 1
        second.peerToClientPackets = 4
        second.peerToClientBytes = 400
        metrics.report(from: first, to: second, activeAllocations: 1, shard: 0)
        let values = factory.values.withLock { $0 }
        #expect(values["turn_allocations_total result=created"] == 3)
        #expect(values["turn_allocations_total result=486"] == 1)
        #expect(values["turn_auth_failures_total reason=stale_nonce"] == 1)
        #expect(values["turn_dropped_packets_total reason=malformed"] == 3)
        #expect(values["turn_relayed_packets_total direction=client_to_peer"] == 10)
        #expect(values["turn_relayed_bytes_total direction=peer_to_client"] == 400)
        #expect(values["turn_allocations_active shard=0"] == 1)
    }
}
