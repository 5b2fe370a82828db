/// The bodies of the REST API as JSON Schema (OpenAPI 3.0 dialect), with the reference's
/// examples, so Swagger UI shows what a client really receives.
extension OpenAPIDocument {
    static let timestamp: OrderedJSON = [
        "type": "string", "format": "date-time", "example": "2024-12-22T12:00:00.000Z",
        "description": "ISO-8601 UTC with milliseconds, as JavaScript's `toISOString()`.",
    ]

    static let schemas: OrderedJSON = [
        "Extension": [
            "type": "string",
            "pattern": "^[0-9]{3}-[0-9]{3}$",
            "description": "A user's phone extension: three digits, a dash, three digits.",
            "example": "123-456",
        ],
        "Error": [
            "type": "object",
            "required": ["error"],
            "properties": [
                "error": [
                    "type": "object",
                    "required": ["message", "status"],
                    "properties": [
                        "message": ["type": "string", "example": "Invalid credentials"],
                        "status": ["type": "integer", "minimum": 400, "maximum": 599, "example": 401],
                        "stack": ["type": "string", "description": "Development only: the error's details."],
                    ],
                ]
            ],
        ],
        "DependencyStatus": [
            "type": "string", "enum": ["healthy", "unhealthy", "disabled"],
            "description": "`disabled`: not configured, so it cannot hold the appliance back.",
        ],
        "ServiceInfo": serviceInfo,
        "Liveness": [
            "type": "object",
            "required": ["status", "timestamp", "uptime"],
            "properties": [
                "status": ["type": "string", "enum": ["alive"]],
                "timestamp": timestamp,
                "uptime": [
                    "type": "number", "minimum": 0, "example": 3600.5,
                    "description": "Seconds since the process started, millisecond precision.",
                ],
            ],
        ],
        "Readiness": [
            "type": "object",
            "required": ["status", "timestamp", "checks"],
            "properties": [
                "status": ["type": "string", "enum": ["ready", "not ready"]],
                "timestamp": timestamp,
                "checks": [
                    "type": "object",
                    "description": "One entry per dependency (`relay`, `redis`); any `unhealthy` one makes the answer 503.",
                    "additionalProperties": ref("DependencyStatus"),
                    "example": ["redis": "disabled", "relay": "healthy"],
                ],
            ],
        ],
        "RedisHealth": [
            "oneOf": [ref("RedisDisabled"), ref("RedisEnabled")],
        ],
        "RedisDisabled": [
            "type": "object",
            "required": ["enabled", "message"],
            "properties": [
                "enabled": ["type": "boolean", "enum": [false]],
                "message": ["type": "string", "example": "Redis is not enabled"],
            ],
        ],
        "RedisEnabled": [
            "type": "object",
            "required": ["enabled", "status", "connected", "usedMemory", "connectedClients"],
            "properties": [
                "enabled": ["type": "boolean", "enum": [true]],
                "status": ref("DependencyStatus"),
                "connected": ["type": "boolean"],
                "usedMemory": ["type": "string", "example": "1.5M", "description": "Redis `used_memory_human`."],
                "connectedClients": ["type": "integer", "minimum": 0, "example": 3],
            ],
        ],
        "Token": [
            "type": "object",
            "required": ["token", "extension", "expiresIn"],
            "properties": [
                "token": [
                    "type": "string", "description": "HS256 JWT `{extension, sub, iat, exp}`; send it as `Authorization: Bearer <token>` and in the Socket.IO `auth.token`.",
                    "example": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                ],
                "extension": ref("Extension"),
                "expiresIn": ["type": "string", "example": "24h", "description": "How long the token is valid."],
            ],
        ],
        "RegisterRequest": [
            "type": "object",
            "required": ["username", "password", "confirmPassword"],
            "properties": [
                "username": [
                    "type": "string", "format": "email", "minLength": 3, "maxLength": 255,
                    "description": "An email address; unique without regard to case. No control characters.",
                    "example": "user@example.com",
                ],
                "password": [
                    "type": "string", "minLength": 8,
                    "description": "At least 8 characters with an uppercase letter, a lowercase letter and a digit; at most 72 bytes (bcrypt's limit) and no control characters (bcrypt stops at NUL).",
                    "example": "SecurePassword123!",
                ],
                "confirmPassword": [
                    "type": "string", "description": "Must equal `password`.", "example": "SecurePassword123!",
                ],
            ],
        ],
        "LoginRequest": [
            "type": "object",
            "required": ["username", "password"],
            "properties": [
                "username": ["type": "string", "example": "user@example.com", "description": "No control characters."],
                "password": ["type": "string", "example": "SecurePassword123!", "description": "No control characters."],
            ],
        ],
        "ICEServer": [
            "type": "object",
            "required": ["urls"],
            "description": "An `RTCIceServer`: pass the list to `new RTCPeerConnection({iceServers})` as it is.",
            "properties": [
                "urls": [
                    "type": "array", "minItems": 1, "items": ["type": "string"],
                    "example": ["turn:turn.example.com:3478?transport=udp", "turn:turn.example.com:3478?transport=tcp"],
                ],
                "username": [
                    "type": "string", "example": "1734872400:123-456",
                    "description": "TURN REST username `<unix-expiry>:<extension>`.",
                ],
                "credential": [
                    "type": "string", "example": "tGsAs1b2sSz3KrcH0XDOAf1ktdA=",
                    "description": "base64(HMAC-SHA1(TURN secret, username)).",
                ],
            ],
        ],
        "TURNCredentials": [
            "type": "object",
            "required": ["iceServers", "ttl"],
            "properties": [
                "iceServers": ["type": "array", "items": ref("ICEServer")],
                "ttl": ["type": "integer", "minimum": 0, "example": 86400, "description": "Seconds the TURN credentials stay valid."],
            ],
        ],
    ]

    static let serviceInfo: OrderedJSON = [
        "type": "object",
        "required": ["service", "status", "timestamp", "version", "applianceVersion", "environment", "features", "security", "redis"],
        "properties": [
            "service": ["type": "string", "example": "Audio Calling Web App - Signaling Server"],
            "status": ["type": "string", "enum": ["running"]],
            "timestamp": timestamp,
            "version": [
                "type": "string", "example": .string(referenceVersion),
                "description": "The version of the NoTrack API reference this server implements.",
            ],
            "applianceVersion": ["type": "string", "example": "0.1.0", "description": "The appliance's own version (`notrack version`)."],
            "environment": ["type": "string", "enum": ["development", "production"]],
            "features": [
                "type": "array", "items": ["type": "string"],
                "description": "Only what this build does; `redis-persistence` and `horizontal-scaling` appear in cluster mode.",
                "example": ["env-validation", "structured-logging", "prometheus-metrics", "health-checks"],
            ],
            "security": [
                "type": "object",
                "required": ["https", "guestAccess", "registration"],
                "properties": [
                    "https": ["type": "boolean"],
                    "guestAccess": ["type": "boolean", "description": "Whether `POST /api/auth/guest` hands out tokens."],
                    "registration": [
                        "type": "string", "enum": ["open", "closed"],
                        "description": "Whether `POST /api/auth/register` creates accounts; when `closed`, the administrator adds them.",
                    ],
                ],
            ],
            "redis": [
                "type": "object",
                "required": ["enabled", "status", "connected"],
                "properties": [
                    "enabled": ["type": "boolean"],
                    "status": ref("DependencyStatus"),
                    "connected": ["type": "boolean"],
                ],
            ],
        ],
    ]
}
