import Hummingbird
import NIOCore

/// `GET /metrics` in the Prometheus text exposition format (version 0.0.4).
///
/// An edge box has a public IP, so only clients the appliance allows (by default loopback
/// and private networks, `metrics.allowFrom`) get an answer; others get 403.
struct MetricsRoute {
    let exposition: @Sendable () -> String
    let isClientAllowed: @Sendable (SocketAddress?) -> Bool

    func register(on router: Router<SignalRequestContext>) {
        router.get("/metrics") { _, context in
            guard isClientAllowed(context.remoteAddress) else {
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
