import Foundation
import Hummingbird
import Logging

/// One log line per request: method, route template, path, status, duration and the
/// request id (carried by the request's logger metadata).
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = SignalRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let milliseconds = start.duration(to: .now).timeInterval * 1000
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? SignalMetrics.unmatchedRoute),
            "path": .string(request.uri.path),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.3f", milliseconds)),
        ]
        if let peer = context.remoteAddress?.ipAddress { metadata["remote"] = .string(peer) }
        // Long-polls repeat every few seconds per client: logged at debug, not info.
        let level: Logger.Level = request.uri.path.hasPrefix(SignalServer.socketIOPath) ? .debug : .info
        context.logger.log(level: level, "request", metadata: metadata)
        return response
    }
}
