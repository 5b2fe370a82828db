public import Hummingbird

/// The long-polling transport as Hummingbird routes (Engine.IO protocol v4, "HTTP
/// long-polling"), with CORS for the configured origins: browsers on other origins need
/// it to read polling responses.
extension EngineIOServer {
    /// The methods routed to `respond`: GET/POST carry the protocol, OPTIONS is the CORS
    /// preflight, and the others get the protocol's own 400 rather than the router's 405.
    static let routedMethods: [HTTPRequest.Method] = [.get, .post, .options, .put, .delete, .patch, .head]

    /// Adds this server's routes (`path`, every method) to a router.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        for method in Self.routedMethods {
            router.on(RouterPath(path), method: method) { request, context in
                await self.respond(to: request, remoteAddress: Self.remoteAddress(of: context))
            }
        }
    }

    static func remoteAddress(of context: some RequestContext) -> String? {
        guard let context = context as? any RemoteAddressRequestContext else { return nil }
        return context.remoteAddress?.ipAddress
    }

    /// Answers one long-polling request.
    public func respond(to request: Request, remoteAddress: String?) async -> Response {
        var response = await answer(request, remoteAddress: remoteAddress)
        // Echo `Connection: close` so that a keep-alive client pool (Node's) does not reuse
        // a connection the server is about to close.
        if let connection = request.headers[.connection], connection.lowercased().contains("close") {
            response.headers[.connection] = "close"
        }
        return response
    }

    private func answer(_ request: Request, remoteAddress: String?) async -> Response {
        let origin = request.headers[.origin]
        guard configuration.allowedOrigins.allows(origin, host: request.head.authority) else {
            return Self.errorResponse(.forbidden, origin: nil)
        }
        if request.method == .options {
            return preflightResponse(for: request, origin: origin)
        }
        let query = EngineIOQuery.parse((request.uri.query ?? "")[...])
        let method: EngineIORequest.Method = switch request.method {
        case .get: .get
        case .post: .post
        default: .other
        }
        let engineRequest: EngineIORequest
        do throws(EngineIOError) {
            engineRequest = try EngineIORequest(query: query, method: method, isWebSocketUpgrade: false)
        } catch {
            return Self.errorResponse(error, origin: origin)
        }
        guard let sid = engineRequest.sid else {
            return await handshake(request: request, query: query, remoteAddress: remoteAddress, origin: origin)
        }
        guard let connection = connection(id: sid) else {
            return Self.errorResponse(.unknownSessionID, origin: origin)
        }
        if method == .get {
            switch await connection.poll() {
            case .packets(let packets):
                return Self.textResponse(EngineIOPayload.encode(packets), contentType: "text/plain; charset=UTF-8", origin: origin)
            case .error(let error):
                return Self.errorResponse(error, origin: origin)
            }
        }
        var request = request
        let maxPayload = configuration.maxPayload
        let refusal = await connection.post { Array(buffer: try await request.collectBody(upTo: maxPayload)) }
        if let refusal {
            return Self.errorResponse(refusal, origin: origin)
        }
        return Self.textResponse("ok", contentType: "text/html", origin: origin)
    }

    private func handshake(request: Request, query: [String: String], remoteAddress: String?, origin: String?) async -> Response {
        let handshakeRequest = EngineIOHandshakeRequest(
            headers: request.headers, query: query, remoteAddress: remoteAddress, transport: .polling,
            authority: request.head.authority)
        guard let pending = admitHandshake(from: remoteAddress) else {
            return Self.errorResponse(.tooManyPendingSessions, origin: origin)
        }
        let connection = open(transport: .polling, request: handshakeRequest, pending: pending)
        let handshake = connection.state.withLock { $0.session.handshake }
        await delegate.engineIOConnectionOpened(connection)
        return Self.textResponse(EngineIOPayload.encode([handshake.packet]), contentType: "text/plain; charset=UTF-8", origin: origin)
    }

    private func preflightResponse(for request: Request, origin: String?) -> Response {
        var headers = Self.corsHeaders(origin: origin)
        headers[.accessControlAllowMethods] = "GET, POST"
        if let requested = request.headers[.accessControlRequestHeaders] {
            headers[.accessControlAllowHeaders] = requested
        }
        headers[.accessControlMaxAge] = "86400"
        headers[.contentLength] = "0"
        return Response(status: .noContent, headers: headers)
    }

    static func corsHeaders(origin: String?) -> HTTPFields {
        var headers = HTTPFields()
        if let origin {
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowCredentials] = "true"
            headers[.vary] = "Origin"
        }
        return headers
    }

    static func textResponse(_ text: String, contentType: String, origin: String?) -> Response {
        var headers = corsHeaders(origin: origin)
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// The one place Engine.IO errors become HTTP: status and `{"code","message"}` body.
    static func errorResponse(_ error: EngineIOError, origin: String?) -> Response {
        var headers = corsHeaders(origin: origin)
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: error.httpStatus),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: error.jsonBody))
        )
    }
}
