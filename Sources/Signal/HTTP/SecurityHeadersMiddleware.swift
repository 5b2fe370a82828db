import HTTPTypes
import Hummingbird

/// The response headers helmet sets by default, so browsers get the same protection as
/// from the reference Node server. HSTS only when served over TLS: on plain HTTP it would
/// be ignored at best and lock a box out of HTTP at worst.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = SignalRequestContext
    let https: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'", "base-uri 'self'", "font-src 'self' https: data:", "form-action 'self'",
        "frame-ancestors 'self'", "img-src 'self' data:", "object-src 'none'", "script-src 'self'",
        "script-src-attr 'none'", "style-src 'self' https: 'unsafe-inline'", "upgrade-insecure-requests",
    ].joined(separator: ";")

    static let headers: [(String, String)] = [
        ("Content-Security-Policy", contentSecurityPolicy),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Origin-Agent-Cluster", "?1"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-DNS-Prefetch-Control", "off"),
        ("X-Download-Options", "noopen"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("X-Permitted-Cross-Domain-Policies", "none"),
        ("X-XSS-Protection", "0"),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for (name, value) in Self.headers {
            if let field = HTTPField.Name(name), response.headers[field] == nil { response.headers[field] = value }
        }
        if https { response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=15552000; includeSubDomains" }
        return response
    }
}
