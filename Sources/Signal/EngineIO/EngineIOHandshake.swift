/// The payload of the `open` packet that starts every session.
///
/// Engine.IO protocol v4, "Handshake": `sid`, `upgrades`, `pingInterval`,
/// `pingTimeout` (milliseconds) and `maxPayload` (bytes).
public struct EngineIOHandshake: Sendable, Equatable {
    public var sid: String
    /// `["websocket"]` for a polling session, `[]` once on WebSocket.
    public var upgrades: [String]
    public var pingInterval: Int
    public var pingTimeout: Int
    public var maxPayload: Int

    public init(sid: String, upgrades: [String], pingInterval: Int, pingTimeout: Int, maxPayload: Int) {
        self.sid = sid
        self.upgrades = upgrades
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.maxPayload = maxPayload
    }

    init(sid: String, transport: EngineIOTransport, configuration: EngineIOConfiguration) {
        self.init(
            sid: sid,
            upgrades: transport == .polling ? ["websocket"] : [],
            pingInterval: configuration.pingInterval,
            pingTimeout: configuration.pingTimeout,
            maxPayload: configuration.maxPayload
        )
    }

    /// The JSON text (keys sorted, as `JSONValue` always writes them).
    public var json: String {
        JSONValue.object([
            "sid": .string(sid),
            "upgrades": .array(upgrades.map(JSONValue.string)),
            "pingInterval": .number(Double(pingInterval)),
            "pingTimeout": .number(Double(pingTimeout)),
            "maxPayload": .number(Double(maxPayload)),
        ]).serialized
    }

    /// The `open` packet carrying this handshake.
    public var packet: EngineIOPacket { .open(json) }
}
