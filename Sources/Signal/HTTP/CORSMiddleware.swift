import HTTPTypes
import Hummingbird

/// Strict CORS: browsers on the configured origins (`http.allowedOrigins`, or `*` for any)
/// may call the API; a request carrying any other `Origin` is refused with 403, preflight
/// included. With no origins configured only the appliance's own origin (same host) passes.
/// The Engine.IO path answers CORS itself, with the same policy.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = SignalRequestContext
    let allowedOrigins: EngineIOConfiguration.AllowedOrigins
    let engineIOPath: String

    static let allowedMethods = "GET, POST, OPTIONS"
    static let allowedHeaders = "Authorization, Content-Type, X-Request-Id"
    static let exposedHeaders = "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], !request.uri.path.hasPrefix(engineIOPath) else {
            return try await next(request, context)
        }
        guard allowedOrigins.allows(origin, host: request.head.authority) else {
            return ErrorBody(message: "Origin \(origin) is not allowed; add it to http.allowedOrigins", status: .forbidden).response()
        }
        let isPreflight = request.method == .options && request.headers[.accessControlRequestMethod] != nil
        var response = isPreflight ? Response(status: .noContent) : try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowedOrigins == .any ? "*" : origin
        response.headers[.vary] = "Origin"
        if allowedOrigins != .any { response.headers[.accessControlAllowCredentials] = "true" }
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        if isPreflight {
            response.headers[.accessControlAllowMethods] = Self.allowedMethods
            response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            response.headers[.accessControlMaxAge] = "600"
        }
        return response
    }
}
