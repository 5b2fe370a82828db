/// Why the server refuses an Engine.IO HTTP request or WebSocket upgrade.
///
/// The codes and messages are those of the reference server (`Server.errors` in
/// socketio/engine.io), which its clients show; the spec itself only asks for
/// "an HTTP 400 error status" (Engine.IO protocol v4, "Query parameters", "Sending data").
public enum EngineIOError: Error, Equatable, Sendable {
    /// `transport` missing or not `polling`/`websocket`.
    case unknownTransport
    /// `sid` names no live session.
    case unknownSessionID
    /// A handshake that is not a `GET`.
    case badHandshakeMethod
    /// Anything else malformed: transport mismatch, duplicate poll or post, a bad packet.
    case badRequest
    /// The `Origin` is not allowed.
    case forbidden
    /// `EIO` missing or not `4`.
    case unsupportedProtocolVersion
    /// A POST body larger than `maxPayload`.
    case payloadTooLarge
    /// A handshake while too many sessions of the address (or in all) wait for their
    /// first message (`EngineIOConfiguration.maximumPendingPerAddress`).
    case tooManyPendingSessions

    /// The reference server's numeric code (`payloadTooLarge` has none there: it uses `badRequest`'s).
    public var code: Int {
        switch self {
        case .unknownTransport: 0
        case .unknownSessionID: 1
        case .badHandshakeMethod: 2
        case .badRequest, .payloadTooLarge, .tooManyPendingSessions: 3
        case .forbidden: 4
        case .unsupportedProtocolVersion: 5
        }
    }

    public var message: String {
        switch self {
        case .unknownTransport: "Transport unknown"
        case .unknownSessionID: "Session ID unknown"
        case .badHandshakeMethod: "Bad handshake method"
        case .badRequest: "Bad request"
        case .forbidden: "Forbidden"
        case .unsupportedProtocolVersion: "Unsupported protocol version"
        case .payloadTooLarge: "Payload too large"
        case .tooManyPendingSessions: "Too many sessions waiting to connect; retry shortly"
        }
    }

    /// The HTTP status: 403 for a refused origin, 413 for an oversized body, 503 for a
    /// handshake over the caps, 400 otherwise.
    public var httpStatus: Int {
        switch self {
        case .forbidden: 403
        case .payloadTooLarge: 413
        case .tooManyPendingSessions: 503
        default: 400
        }
    }

    /// The JSON body `{"code":N,"message":"..."}`.
    public var jsonBody: String {
        JSONValue.object(["code": .number(Double(code)), "message": .string(message)]).serialized
    }
}
