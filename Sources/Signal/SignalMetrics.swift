import Metrics

/// Every metric name and label the Signal library records, in one place so dashboards
/// and docs have one list to follow. Names follow the reference's `/metrics` example.
enum SignalMetrics {
    static let httpRequestsTotal = "http_requests_total"
    static let httpRequestDuration = "http_request_duration_seconds"

    enum Label {
        static let method = "method"
        /// The route template (`/health/live`, `/api/users/{id}`), never the raw path, so
        /// label cardinality stays bounded whatever clients request.
        static let route = "route"
        static let statusCode = "status_code"
    }

    /// The route label for requests no route matched: the value Hummingbird's router
    /// itself records as the endpoint path of such requests.
    static let unmatchedRoute = "NotFound"
}
