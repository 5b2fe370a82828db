public import Hummingbird

/// What the server knew about the HTTP request that opened an Engine.IO session; the
/// Socket.IO CONNECT middleware sees it (headers for cookies or tokens, the peer address).
public struct EngineIOHandshakeRequest: Sendable {
    /// The opening request's headers.
    public var headers: HTTPFields
    /// The opening request's query parameters (`EIO`, `transport`, and any the client added).
    public var query: [String: String]
    /// The peer's IP address, when the transport knows it.
    public var remoteAddress: String?
    /// The transport of the opening request.
    public var transport: EngineIOTransport
    /// The host (and port) the request was sent to: its `Host` or `:authority`, which
    /// HTTPTypes keeps outside `headers`.
    public var authority: String?

    public init(headers: HTTPFields, query: [String: String], remoteAddress: String?, transport: EngineIOTransport, authority: String? = nil) {
        self.headers = headers
        self.query = query
        self.remoteAddress = remoteAddress
        self.transport = transport
        self.authority = authority
    }
}
