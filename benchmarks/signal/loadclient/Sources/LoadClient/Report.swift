import Foundation

/// The JSON document the client prints: the same fields as sioload.py's (run.sh's summary
/// table reads them), written with `convertToSnakeCase` (`aliveAfterSettle` →
/// `alive_after_settle`; the hop labels have no capitals and stay as they are).
struct Report: Encodable {
    var url: String
    var connections: Int
    var eventLoop = "swift-nio"
    var threads: Int
    var cpus: [Int]
    var guestTokensS: Double = 0
    var connectS: Double = 0
    var aliveAfterSettle = 0
    var serverRssBeforeKib = 0
    var serverRssAfterKib = 0
    var serverRssPerConnectionBytes = 0
    var calls: Calls?
    var aliveAfterCalls: Int?

    struct Calls: Encodable {
        var rateTarget: Double
        var setups: Int
        var completed: Int
        var achievedRate: Double
        var pairs: Int
        var errors: [JSONValue]
        var errorCount: Int
        var eventRelayMs: Percentiles
        var hopsMs: [String: Percentiles]
        var clientSendLagMs: Percentiles
        /// This client's CPU time over the phase: what it takes from the cores it shares.
        var clientCpuS: Double = 0
        /// Its threads' time ready to run but waiting for a CPU, over the phase.
        var clientRunQueueWaitS: Double = 0
        /// The server's CPU and run-queue time over the phase (/proc/PID/task/*/schedstat).
        var serverCpuS: Double = 0
        var serverRunQueueWaitS: Double = 0
        /// The server's own timing of its relays in the phase (`socketio_event_relay_seconds`
        /// on /metrics), cumulative as Prometheus counts them; `nil` for a server without it.
        var serverEventRelayBuckets: [Report.Bucket]?
    }

    /// A histogram bucket as a value, not a key: the encoder's snake case would rewrite a
    /// key such as `+Inf`.
    struct Bucket: Encodable, Equatable {
        var le: String
        var count: Int
    }
}

/// Exact percentiles of the samples (all kept and sorted, as sioload.py does: the p-th
/// percentile is the sample at index ⌊p·n⌋), in milliseconds rounded to microseconds.
struct Percentiles: Encodable, Equatable {
    var count: Int
    var p50: Double?
    var p90: Double?
    var p99: Double?
    var max: Double?
    var mean: Double?

    init(_ samples: [Double]) {
        count = samples.count
        guard !samples.isEmpty else { return }
        let ordered = samples.sorted()
        func at(_ quantile: Double) -> Double {
            rounded(ordered[Swift.min(ordered.count - 1, Int(quantile * Double(ordered.count)))], places: 3)
        }
        p50 = at(0.50)
        p90 = at(0.90)
        p99 = at(0.99)
        max = rounded(ordered[ordered.count - 1], places: 3)
        mean = rounded(ordered.reduce(0, +) / Double(ordered.count), places: 3)
    }
}

/// `value` rounded to `places` decimals, like Python's `round(value, places)`.
func rounded(_ value: Double, places: Int) -> Double {
    let scale = pow(10, Double(places))
    return (value * scale).rounded() / scale
}
