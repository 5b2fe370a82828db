import Hummingbird
import Metrics

/// Counts requests and records their duration by method, route template and status.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = SignalRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let dimensions = [
            (SignalMetrics.Label.method, request.method.rawValue),
            (SignalMetrics.Label.route, context.endpointPath ?? SignalMetrics.unmatchedRoute),
            (SignalMetrics.Label.statusCode, String(response.status.code)),
        ]
        Counter(label: SignalMetrics.httpRequestsTotal, dimensions: dimensions).increment()
        Metrics.Timer(label: SignalMetrics.httpRequestDuration, dimensions: dimensions, preferredDisplayUnit: .seconds)
            .recordInterval(since: start)
        return response
    }
}

extension Metrics.Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = start.duration(to: .now).components
        recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }
}
