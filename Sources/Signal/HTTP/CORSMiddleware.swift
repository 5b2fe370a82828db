import HTTPTypes
import Hummingbird

/// Strict CORS: browsers on the configured origins (`http.allowedOrigins`, or `*` for any)
/// may call the API; a request carrying any other `Origin` is refused with 403, preflight
/// included. With no origins configured only the appliance's own origin (same host) passes.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = SignalRequestContext
    let allowedOrigins: [String]

    static let allowedMethods = "GET, POST, OPTIONS"
    static let allowedHeaders = "Authorization, Content-Type, X-Request-Id"
    static let exposedHeaders = "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        guard isAllowed(origin: origin, host: request.head.authority) else {
            return ErrorBody(message: "Origin \(origin) is not allowed; add it to http.allowedOrigins", status: .forbidden).response()
        }
        let isPreflight = request.method == .options && request.headers[.accessControlRequestMethod] != nil
        var response = isPreflight ? Response(status: .noContent) : try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowedOrigins.contains("*") ? "*" : origin
        response.headers[.vary] = "Origin"
        if !allowedOrigins.contains("*") { response.headers[.accessControlAllowCredentials] = "true" }
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        if isPreflight {
            response.headers[.accessControlAllowMethods] = Self.allowedMethods
            response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            response.headers[.accessControlMaxAge] = "600"
        }
        return response
    }

    /// An origin passes when it is configured, when `*` is configured, or when it names
    /// the very host the request was sent to (same origin).
    func isAllowed(origin: String, host: String?) -> Bool {
        if allowedOrigins.contains("*") || allowedOrigins.contains(origin) { return true }
        guard let host, let schemeEnd = origin.range(of: "://") else { return false }
        return origin[schemeEnd.upperBound...].lowercased() == host.lowercased()
    }
}
