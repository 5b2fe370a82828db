import Foundation
import HTTPTypes
import Hummingbird

/// Gives every request an id: the client's `X-Request-Id` when it is sane, a fresh one
/// otherwise. The id goes into the request's log metadata and back in the response, so an
/// operator can follow one request from a proxy's log into ours.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = SignalRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let id = request.headers[.xRequestID].flatMap(Self.acceptable) ?? Self.generate()
        context.requestID = id
        context.logger[metadataKey: "hb.request.id"] = nil
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.xRequestID] = id
        return response
    }

    /// A client id is kept only when it cannot break a log line or a header:
    /// 1–128 visible ASCII characters.
    static func acceptable(_ candidate: String) -> String? {
        guard (1...128).contains(candidate.utf8.count),
            candidate.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else { return nil }
        return candidate
    }

    static func generate() -> String {
        UUID().uuidString.lowercased()
    }
}
