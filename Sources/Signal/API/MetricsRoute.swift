import Hummingbird
import NIOCore

/// `GET /metrics` in the Prometheus text exposition format (version 0.0.4).
///
/// An edge box has a public IP, so only clients the appliance allows (by default loopback
/// and private networks, `metrics.allowFrom`) get an answer; others get 403. Behind a
/// reverse proxy the client is the one the trusted proxy forwards for; a request carrying
/// `X-Forwarded-For` from a proxy that is not trusted is refused, since a proxy on the box
/// itself would otherwise make every internet client look like loopback.
struct MetricsRoute {
    let exposition: @Sendable () -> String
    let isClientAllowed: @Sendable (SocketAddress?) -> Bool
    let isTrustedProxy: @Sendable (String) -> Bool

    func register(on router: Router<SignalRequestContext>) {
        router.get("/metrics") { request, context in
            let peer = context.remoteAddress?.ipAddress
            if request.headers[.xForwardedFor] != nil, !(peer.map(isTrustedProxy) ?? false) {
                return ErrorBody(
                    message: "Metrics are not served through a proxy that is not trusted; add it to http.trustedProxies",
                    status: .forbidden
                ).response()
            }
            let client = ClientAddress.resolve(
                peer: peer, forwardedFor: request.headers[.xForwardedFor], isTrustedProxy: isTrustedProxy)
            guard isClientAllowed(try? SocketAddress(ipAddress: client, port: 0)) else {
                return ErrorBody(
                    message: "Metrics are not served to this address; allow it in metrics.allowFrom",
                    status: .forbidden
                ).response()
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: exposition())))
        }
    }
}
