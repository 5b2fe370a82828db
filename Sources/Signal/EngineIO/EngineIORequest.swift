/// The Engine.IO part of an HTTP request, validated: protocol version, transport, session.
///
/// Engine.IO protocol v4, "Query parameters": `EIO` (must be `4`), `transport`, and `sid`
/// once the session exists. Missing or wrong values are refused with the matching
/// `EngineIOError`, as the reference server checks them.
public struct EngineIORequest: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        case get, post, other
    }

    public var transport: EngineIOTransport
    /// `nil` for a handshake.
    public var sid: String?

    init(transport: EngineIOTransport, sid: String?) {
        self.transport = transport
        self.sid = sid
    }

    /// Validates the query of a request with the given HTTP method.
    /// - Parameter isWebSocketUpgrade: whether the request asks for a WebSocket upgrade.
    public init(
        query: [String: String],
        method: Method,
        isWebSocketUpgrade: Bool
    ) throws(EngineIOError) {
        guard query["EIO"] == "4" else { throw .unsupportedProtocolVersion }
        guard let name = query["transport"], let transport = EngineIOTransport(rawValue: name) else {
            throw .unknownTransport
        }
        let sid = query["sid"].flatMap { $0.isEmpty ? nil : $0 }
        if transport == .websocket {
            // A WebSocket transport only ever comes as an upgraded GET.
            guard isWebSocketUpgrade, method == .get else { throw .badRequest }
        } else if sid == nil {
            guard method == .get else { throw .badHandshakeMethod }
        } else {
            guard method != .other else { throw .badRequest }
        }
        self.transport = transport
        self.sid = sid
    }
}
