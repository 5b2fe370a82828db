import Metrics

/// Every metric the relay reports, named and labelled in one place
/// (STYLE.md). The shards count in `TURNStatistics`; this turns differences
/// between two snapshots into swift-metrics calls, once per sweep tick.
struct RelayMetrics: Sendable {
    static let allocationsActive = "turn_allocations_active"
    static let allocations = "turn_allocations_total"
    static let relayedPackets = "turn_relayed_packets_total"
    static let relayedBytes = "turn_relayed_bytes_total"
    static let authFailures = "turn_auth_failures_total"
    static let droppedPackets = "turn_dropped_packets_total"
    static let connectionsClosed = "turn_connections_closed_total"

    private let factory: any MetricsFactory

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Makes the series an operator alerts on visible at zero from start-up, before
    /// anything happened: allocations created and refused for quota (486) and capacity
    /// (508), and connections closed by the limits.
    func announce() {
        for result in ["created", "\(STUNErrorCode.allocationQuotaReached.code)", "\(STUNErrorCode.insufficientCapacity.code)"] {
            Counter(label: Self.allocations, dimensions: [("result", result)], factory: factory).increment(by: 0)
        }
        for reason in TURNStatistics.StreamClose.allCases {
            Counter(label: Self.connectionsClosed, dimensions: [("reason", reason.rawValue)], factory: factory)
                .increment(by: 0)
        }
    }

    /// Reports what happened between `previous` and `current`, and the
    /// shard's active allocations under a `shard` label (sum them in queries).
    func report(from previous: TURNStatistics, to current: TURNStatistics, activeAllocations: Int, shard: Int) {
        Gauge(label: Self.allocationsActive, dimensions: [("shard", "\(shard)")], factory: factory)
            .record(activeAllocations)
        add(Self.allocations, ["result": "created"], current.allocationsCreated - previous.allocationsCreated)
        for (code, count) in current.allocationsRefused {
            add(Self.allocations, ["result": "\(code)"], count - previous.allocationsRefused[code, default: 0])
        }
        for (reason, count) in current.authFailures {
            add(Self.authFailures, ["reason": reason.rawValue], count - previous.authFailures[reason, default: 0])
        }
        for (reason, count) in current.drops {
            add(Self.droppedPackets, ["reason": reason.rawValue], count - previous.drops[reason, default: 0])
        }
        for (reason, count) in current.streamsClosed {
            add(Self.connectionsClosed, ["reason": reason.rawValue], count - previous.streamsClosed[reason, default: 0])
        }
        add(Self.relayedPackets, ["direction": "client_to_peer"], current.clientToPeerPackets - previous.clientToPeerPackets)
        add(Self.relayedPackets, ["direction": "peer_to_client"], current.peerToClientPackets - previous.peerToClientPackets)
        add(Self.relayedBytes, ["direction": "client_to_peer"], current.clientToPeerBytes - previous.clientToPeerBytes)
        add(Self.relayedBytes, ["direction": "peer_to_client"], current.peerToClientBytes - previous.peerToClientBytes)
    }

    private func add(_ label: String, _ dimensions: [String: String], _ delta: Int) {
        guard delta > 0 else { return }
        Counter(label: label, dimensions: dimensions.map { ($0.key, $0.value) }, factory: factory).increment(by: delta)
    }
}
