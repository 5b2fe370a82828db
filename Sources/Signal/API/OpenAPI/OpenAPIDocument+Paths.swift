/// Every endpoint with every status code it can answer (API reference, "REST API
/// Endpoints", plus the choices of docs/api-notes.md).
extension OpenAPIDocument {
    static let paths: OrderedJSON = [
        "/": ["get": operation(
            "getServiceInfo", tag: "Health", summary: "Service information",
            description: "What runs here (the API version it implements and the appliance's own), how it is set up (whether clients may register or take guest tokens), and the state of Redis.",
            responses: ["200": response("The service is running", content: json(ref("ServiceInfo")), headers: .site)])],
        "/health/live": ["get": operation(
            "getLiveness", tag: "Health", summary: "Liveness probe",
            description: "Answers as long as the process serves HTTP.",
            responses: ["200": response("The process is alive", content: json(ref("Liveness")), headers: .site)])],
        "/health/ready": ["get": operation(
            "getReadiness", tag: "Health", summary: "Readiness probe",
            description: "Ready when no dependency is `unhealthy`; the 503 body has the same shape and names the failing check.",
            responses: [
                "200": response("Ready to accept traffic", content: json(ref("Readiness")), headers: .site),
                "503": response("A dependency is unhealthy (`status` is `not ready`)", content: json(ref("Readiness")), headers: .site),
            ])],
        "/api/health/redis": ["get": operation(
            "getRedisHealth", tag: "Health", summary: "Redis health",
            description: "`{enabled: false}` while cluster mode is off.",
            responses: [
                "200": response("Redis is healthy, or not enabled", content: json(ref("RedisHealth")), headers: .api),
                "503": response("Redis is unhealthy", content: json(ref("RedisEnabled")), headers: .api),
                "429": tooManyRequests,
            ])],
        "/metrics": ["get": operation(
            "getMetrics", tag: "Metrics", summary: "Prometheus metrics",
            description: "Prometheus text exposition format 0.0.4, served only to the addresses in `metrics.allowFrom` (loopback and private networks by default).",
            responses: [
                "200": response(
                    "Metrics in the Prometheus text format",
                    content: ["text/plain": ["schema": ["type": "string"], "example": "# TYPE http_requests_total counter\nhttp_requests_total{method=\"GET\",route=\"/\",status_code=\"200\"} 150\n"]],
                    headers: .site),
                "403": error("This client's address is not in `metrics.allowFrom`", headers: .site),
            ])],
        "/api/auth/guest": ["post": operation(
            "loginAsGuest", tag: "Auth", summary: "Guest token",
            description: "A token for a fresh extension, reserved while the token lives, without an account. Off unless `auth.guestAccess` is true. No body is needed. Rate limit: 5 per 15 minutes per IP.",
            responses: [
                "200": response("A guest token", content: json(ref("Token")), headers: .api),
                "403": error("Guest access is disabled", headers: .api),
                "429": tooManyRequests,
            ])],
        "/api/auth/register": ["post": operation(
            "register", tag: "Auth", summary: "Register an account",
            description: "Creates an account with a unique extension kept for life, and logs it in. Off when `auth.registration` is `closed` (`GET /` says which): the administrator then adds accounts with `notrack users add`. Rate limit: 5 per 15 minutes per IP.",
            requestBody: ["required": true, "content": json(ref("RegisterRequest"))],
            responses: [
                "201": response("Registered and logged in", content: json(ref("Token")), headers: .api),
                "400": error("A field is missing or invalid, or the passwords differ", headers: .api),
                "403": error("Registration is closed on this server", headers: .api),
                "409": error("The username already exists", headers: .api),
                "413": error("The body is too large", headers: .api),
                "415": error("The body is not JSON (`Content-Type: application/json`)", headers: .api),
                "429": tooManyRequests,
            ])],
        "/api/auth/login": ["post": operation(
            "login", tag: "Auth", summary: "Log in",
            description: "Exchanges a username and password for a token. Rate limit: 5 per 15 minutes per IP.",
            requestBody: ["required": true, "content": json(ref("LoginRequest"))],
            responses: [
                "200": response("Logged in", content: json(ref("Token")), headers: .api),
                "400": error("A field is missing, or holds a control character", headers: .api),
                "401": error("Invalid credentials", headers: .api),
                "413": error("The body is too large", headers: .api),
                "415": error("The body is not JSON (`Content-Type: application/json`)", headers: .api),
                "429": tooManyRequests,
            ])],
        "/api/turn/credentials": ["get": operation(
            "getTURNCredentials", tag: "TURN", summary: "ICE servers with TURN credentials",
            description: "STUN and TURN (UDP, TCP, and TLS once a certificate is configured) servers of this appliance, with TURN REST credentials minted for the caller's extension.",
            security: [["bearerAuth": []]],
            responses: [
                "200": response("ICE servers for `RTCPeerConnection`", content: json(ref("TURNCredentials")), headers: .api),
                "401": error("The bearer token is missing, invalid or expired", headers: .api),
                "429": tooManyRequests,
            ])],
        "/swagger.json": ["get": operation(
            "getOpenAPIDocument", tag: "Documentation", summary: "This OpenAPI document",
            description: "OpenAPI 3.0.3; Socket.IO events are listed in `info.description` and in `x-socketio-events`.",
            responses: ["200": response("The document", content: json(["type": "object"]), headers: .site)])],
        "/api-docs": ["get": operation(
            "getSwaggerUI", tag: "Documentation", summary: "Swagger UI",
            description: "Interactive documentation, served from this box (no CDN). Until Swagger UI's files are installed, a plain HTML rendering of this document. `/api-docs/` and `/api-docs/index.html` serve the same page.",
            responses: [
                "200": response("The Swagger UI page, or this document as plain HTML", content: ["text/html": ["schema": ["type": "string"]]], headers: .site),
            ])],
        "/api-docs/{file}": ["get": operation(
            "getSwaggerUIAsset", tag: "Documentation", summary: "A Swagger UI asset",
            description: "The scripts, styles and icons the Swagger UI page loads; `503` while Swagger UI is not installed (except `index.html`, the page).",
            parameters: [[
                "name": "file", "in": "path", "required": true,
                "description": "A file name such as `swagger-ui-bundle.js`; paths and hidden files are refused.",
                "schema": ["type": "string", "example": "swagger-ui.css"],
            ]],
            responses: [
                "200": response("The file", content: assetContent, headers: .site),
                "404": error("No such asset", headers: .site),
                "503": error(SwaggerUIAssets.missingDescription, headers: .site),
            ])],
    ]

    /// Every media type `/api-docs/{file}` serves.
    static var assetContent: OrderedJSON {
        var seen: [String] = []
        for type in SwaggerUIAssets.contentTypes.map(\.1) where !seen.contains(type) { seen.append(type) }
        return .object(seen.map { ($0, ["schema": ["type": "string", "format": "binary"]]) })
    }

    static func operation(
        _ id: String,
        tag: String,
        summary: String,
        description: String,
        parameters: OrderedJSON? = nil,
        requestBody: OrderedJSON? = nil,
        security: OrderedJSON? = nil,
        responses: OrderedJSON
    ) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = [
            ("operationId", .string(id)), ("tags", [.string(tag)]),
            ("summary", .string(summary)), ("description", .string(description)),
        ]
        if let parameters { members.append(("parameters", parameters)) }
        if let requestBody { members.append(("requestBody", requestBody)) }
        if let security { members.append(("security", security)) }
        members.append(("responses", responses))
        return .object(members)
    }
}
