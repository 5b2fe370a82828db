/// The OpenAPI 3.0.3 description of every NoTrack endpoint, served at `GET /swagger.json`
/// and rendered by Swagger UI at `GET /api-docs` (API reference, "Interactive
/// Documentation").
///
/// It is written by hand, next to the routes, rather than generated from them: the
/// reference document is the contract, and this is its machine-readable twin. Tests keep
/// the two honest from both sides: the Swift tests check every route is listed with its
/// status codes, and schemathesis (Tests/interop) checks the running binary against it.
enum OpenAPIDocument {
    /// The API version the reference documents; NoTrack implements that contract.
    static let referenceVersion = "2.2.4"

    /// The whole document. `version` is the appliance's (`notrack version`), because the
    /// document describes what this build serves.
    static func make(version: String) -> OrderedJSON {
        [
            "openapi": "3.0.3",
            "info": [
                "title": "NoTrack API",
                "version": .string(version),
                "description": .string(introduction + "\n\n" + SocketIOEvents.markdown),
            ],
            // Relative, so "Try it out" calls the box that served the page, whatever its
            // address or proxy in front of it.
            "servers": [["url": "/", "description": "This appliance"]],
            "tags": [
                ["name": "Health", "description": "Liveness, readiness and dependency checks"],
                ["name": "Auth", "description": "Tokens for the REST API and the Socket.IO connection"],
                ["name": "TURN", "description": "ICE servers with short-lived TURN credentials"],
                ["name": "Metrics", "description": "Prometheus scraping"],
                ["name": "Documentation", "description": "This document and Swagger UI"],
            ],
            "paths": paths,
            "components": [
                "schemas": schemas.merging(SocketIOEvents.schemas),
                "headers": headers,
                "securitySchemes": [
                    "bearerAuth": [
                        "type": "http",
                        "scheme": "bearer",
                        "bearerFormat": "JWT",
                        "description": "The `token` of a guest, register or login response (HS256, valid 24 h).",
                    ]
                ],
            ],
            "x-socketio-events": SocketIOEvents.extensionValue,
        ]
    }

    static let introduction = """
        The REST API of the NoTrack calling appliance, as the NoTrack API reference \
        v\(referenceVersion) documents it.

        - Success bodies are the bare objects shown below. Every error is \
        `{"error": {"message": "...", "status": N}}`; `stack` appears only in development.
        - Every response carries `X-Request-Id` (the client's when sane, else a fresh UUID).
        - Every `/api/*` response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and \
        `X-RateLimit-Reset` (ISO-8601). Auth endpoints allow 5 requests per 15 minutes per \
        IP and count against the general `/api/*` limit of 100 per 15 minutes too. A `429` \
        carries `Retry-After` in seconds.
        - Tokens are HS256 JWTs `{extension, sub, iat, exp}` valid for 24 hours; there is no \
        refresh endpoint, so log in again before `exp`.
        - Extensions are `XXX-XXX`, three digits, a dash, three digits.
        """
}

// MARK: - Building blocks shared by the paths

extension OpenAPIDocument {
    static func ref(_ schema: String) -> OrderedJSON {
        ["$ref": .string("#/components/schemas/\(schema)")]
    }

    static func json(_ schema: OrderedJSON) -> OrderedJSON {
        ["application/json": ["schema": schema]]
    }

    /// Which headers a response carries besides its body.
    enum HeaderSet {
        /// Outside `/api/*`: only the request id.
        case site
        /// Under `/api/*`: the rate limiter's headers too.
        case api
        /// A refused `/api/*` request: the rate limiter's headers and `Retry-After`.
        case rateLimited

        var names: [String] {
            switch self {
            case .site: ["X-Request-Id"]
            case .api: ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
            case .rateLimited: HeaderSet.api.names + ["Retry-After"]
            }
        }
    }

    static func response(_ description: String, content: OrderedJSON? = nil, headers: HeaderSet) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = [("description", .string(description))]
        members.append(("headers", .object(headers.names.map { ($0, ["$ref": .string("#/components/headers/\($0)")]) })))
        if let content { members.append(("content", content)) }
        return .object(members)
    }

    /// An error response: always the reference's error body.
    static func error(_ description: String, headers: HeaderSet) -> OrderedJSON {
        response(description, content: json(ref("Error")), headers: headers)
    }

    static let tooManyRequests = error(
        "Rate limit exceeded; retry after `Retry-After` seconds (or at `X-RateLimit-Reset`)",
        headers: .rateLimited)

    static let headers: OrderedJSON = [
        "X-Request-Id": [
            "description": "The request's id: the client's `X-Request-Id` when it is 1–128 visible ASCII characters, otherwise a fresh UUID. It names the request in the server's log.",
            "required": false,
            "schema": ["type": "string", "minLength": 1, "maxLength": 128],
        ],
        "X-RateLimit-Limit": [
            "description": "Requests allowed in the current window by the strictest limiter that applies.",
            "required": true,
            "schema": ["type": "integer", "minimum": 0],
        ],
        "X-RateLimit-Remaining": [
            "description": "Requests left in the current window.",
            "required": true,
            "schema": ["type": "integer", "minimum": 0],
        ],
        "X-RateLimit-Reset": [
            "description": "When the current window ends (ISO-8601, UTC).",
            "required": true,
            "schema": ["type": "string", "format": "date-time"],
            "example": "2024-12-22T12:15:00.000Z",
        ],
        "Retry-After": [
            "description": "Seconds to wait before the limiter admits another request.",
            "required": true,
            "schema": ["type": "integer", "minimum": 0],
        ],
    ]
}
