import Foundation
import Hummingbird

/// Turns every error into the reference's error body,
/// `{"error":{"message","status"}}`, with `stack` only in development.
///
/// It sits innermost, so the access log and metrics always see a response with its real status.
struct ErrorBodyMiddleware: RouterMiddleware {
    typealias Context = SignalRequestContext
    let environment: DeploymentEnvironment

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase
            return ErrorBody(message: message, status: error.status).response(headers: error.headers)
        } catch let error as any HTTPResponseError {
            return ErrorBody(message: error.status.reasonPhrase, status: error.status).response()
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            var body = ErrorBody(message: "Internal Server Error", status: .internalServerError)
            if environment == .development { body.stack = String(reflecting: error) }
            return body.response()
        }
    }
}

/// The reference's error shape; also used by routes that answer an error themselves.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        var message: String
        var status: Int
        var stack: String?
    }
    var message: String
    var status: HTTPResponse.Status
    var stack: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Detail(message: message, status: status.code, stack: stack), forKey: .error)
    }
    private enum CodingKeys: String, CodingKey { case error }

    func response(headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
