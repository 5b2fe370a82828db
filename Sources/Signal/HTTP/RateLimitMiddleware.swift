import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Limits requests per client address on a path prefix, with the reference's headers:
/// `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (ISO-8601) on every
/// limited response, and `429` with `Retry-After` when the window is used up.
///
/// Two instances stack (all of `/api/`, then `/api/auth/`), as two express-rate-limit
/// middlewares do: a request counts against both, and the inner limiter's headers win.
///
/// The prefix is matched against the route the router matched (`context.endpointPath`),
/// not the raw path: the router ignores empty segments, so `//api/auth/login` reaches the
/// login route and must count as it; a path no route matches counts by its non-empty
/// segments. IPv6 clients count by their /64.
final class RateLimitMiddleware: RouterMiddleware, Sendable {
    typealias Context = SignalRequestContext

    let pathPrefix: String
    private let limiter: Mutex<FixedWindowRateLimiter>
    private let clientAddress: @Sendable (Request, Context) -> String

    init(pathPrefix: String, policy: FixedWindowRateLimiter.Policy, clientAddress: @escaping @Sendable (Request, Context) -> String) {
        self.pathPrefix = pathPrefix
        self.limiter = Mutex(FixedWindowRateLimiter(policy: policy))
        self.clientAddress = clientAddress
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = context.endpointPath ?? Self.segments(of: request.uri.path)
        guard route.hasPrefix(pathPrefix) else { return try await next(request, context) }
        let now = Date()
        let client = ClientAddress.rateLimitKey(clientAddress(request, context))
        let decision = limiter.withLock { $0.hit(client, now: now) }
        guard decision.allowed else {
            var response = ErrorBody(message: "Too many requests, please try again later.", status: .tooManyRequests).response()
            Self.annotate(&response.headers, with: decision)
            response.headers[.retryAfter] = String(decision.retryAfter(now: now))
            return response
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            var headers = error.headers
            if headers[.xRateLimitLimit] == nil { Self.annotate(&headers, with: decision) }
            throw HTTPError(error.status, headers: headers, message: error.body)
        }
        if response.headers[.xRateLimitLimit] == nil { Self.annotate(&response.headers, with: decision) }
        return response
    }

    /// `//api///auth/x` → `/api/auth/x`, as the router reads it.
    static func segments(of path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/") + (path.hasSuffix("/") ? "/" : "")
    }

    static func annotate(_ headers: inout HTTPFields, with decision: FixedWindowRateLimiter.Decision) {
        headers[.xRateLimitLimit] = String(decision.limit)
        headers[.xRateLimitRemaining] = String(decision.remaining)
        headers[.xRateLimitReset] = HealthReport.timestamp(decision.resetAt)
    }
}
