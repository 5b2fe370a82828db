import Foundation
import Metrics

/// Every metric name and label the Signal library records, in one place so dashboards
/// and docs have one list to follow. Names follow the reference's `/metrics` example.
public enum SignalMetrics {
    static let httpRequestsTotal = "http_requests_total"
    static let httpRequestDuration = "http_request_duration_seconds"

    static let websocketConnectionsActive = "websocket_connections_active"
    static let socketIOEventsTotal = "socketio_events_total"
    static let callsTotal = "calls_total"
    static let callSetupDuration = "call_setup_seconds"
    static let callDuration = "call_duration_seconds"
    static let eventRelayDuration = "socketio_event_relay_seconds"

    enum Direction: String { case received, sent }

    /// Connected Socket.IO sockets (all transports; the reference's name).
    static let connectionsActive = Gauge(label: websocketConnectionsActive)

    /// The server's share of each event relay over WebSocket (`EventRelayClock`), the
    /// latency DESIGN.md targets (p99 under 5 ms): its buckets are `histogramBuckets`'.
    static let eventRelay = Metrics.Timer(label: eventRelayDuration, preferredDisplayUnit: .seconds)

    /// Counts a signaling event by name and direction. A client may send any event name, so
    /// received names outside the protocol count as `other`: the label stays bounded
    /// whatever clients send.
    static func event(_ name: String, direction: Direction) {
        Counter(label: socketIOEventsTotal, dimensions: [("event", eventLabel(name, direction)), ("direction", direction.rawValue)])
            .increment()
    }

    static func eventLabel(_ name: String, _ direction: Direction) -> String {
        direction == .sent || receivedEvents.contains(name) ? name : otherEvent
    }

    /// The call protocol's events (API reference, "WebSocket Events"), from the list the
    /// OpenAPI document shows, so the two cannot disagree.
    static let receivedEvents = SocketIOEvents.events.filter { $0.direction == .clientToServer }.map(\.name)
    static let sentEvents = SocketIOEvents.events.filter { $0.direction == .serverToClient }.map(\.name)
    static let otherEvent = "other"

    /// `calls_total`'s outcomes: `answered`, or why an unanswered call ended (`hangup`
    /// ends only answered calls).
    static let callOutcomes = ["answered"] + [CallEndReason.rejected, .cancelled, .timeout, .disconnect].map(\.rawValue)

    /// Creates every family with a fixed label set at zero, once at start-up, so that
    /// `/metrics` shows them before anything happened: dashboards and alerts see `0`,
    /// not a missing series. HTTP families have no fixed labels; they appear with the first
    /// request.
    public static func announce(factory: any MetricsFactory = MetricsSystem.factory) {
        Gauge(label: websocketConnectionsActive, factory: factory).record(0)
        for (names, direction) in [(receivedEvents + [otherEvent], Direction.received), (sentEvents, .sent)] {
            for name in names {
                Counter(label: socketIOEventsTotal, dimensions: [("event", name), ("direction", direction.rawValue)], factory: factory)
                    .increment(by: 0)
            }
        }
        for outcome in callOutcomes {
            Counter(label: callsTotal, dimensions: [("outcome", outcome)], factory: factory).increment(by: 0)
        }
        // A timer is registered, with empty buckets, when it is created.
        for label in [callSetupDuration, callDuration, eventRelayDuration] {
            _ = Metrics.Timer(label: label, preferredDisplayUnit: .seconds, factory: factory)
        }
    }

    /// `calls_total{outcome}` plus set-up time (ringing to answered) and duration (answered to end).
    static func callEnded<Payload>(_ ended: CallStateMachine<Payload>.Ended) {
        let outcome = ended.call.answeredAt == nil ? ended.reason.rawValue : "answered"
        Counter(label: callsTotal, dimensions: [("outcome", outcome)]).increment()
        if let answeredAt = ended.call.answeredAt {
            Metrics.Timer(label: callSetupDuration, preferredDisplayUnit: .seconds)
                .recordSeconds(answeredAt.timeIntervalSince(ended.call.startedAt))
            Metrics.Timer(label: callDuration, preferredDisplayUnit: .seconds)
                .recordSeconds(ended.endedAt.timeIntervalSince(answeredAt))
        }
    }

    enum Label {
        static let method = "method"
        /// The route template (`/health/live`, `/api/users/{id}`), never the raw path, so
        /// label cardinality stays bounded whatever clients request.
        static let route = "route"
        static let statusCode = "status_code"
    }

    /// Histogram buckets for the timers whose latency is milliseconds, not seconds (the
    /// metrics backend's defaults start at 5 ms): the executable gives them to its
    /// Prometheus factory, by metric name.
    public static let histogramBuckets: [String: [Duration]] = [
        eventRelayDuration: [0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 25, 50, 100, 250, 1000].map { .microseconds(Int64($0 * 1000)) },
    ]

    /// The route label for requests no route matched: the value Hummingbird's router
    /// itself records as the endpoint path of such requests.
    static let unmatchedRoute = "NotFound"
}
