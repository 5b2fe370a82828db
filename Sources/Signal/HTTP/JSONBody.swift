import Foundation
import Hummingbird

/// Reads a JSON request body with the limits and errors a client can act on:
/// 415 when it is not JSON, 413 when it is larger than the cap, 400 when it does not parse.
enum JSONBody {
    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request, limit: Int) async throws -> Body {
        let mediaType = request.headers[.contentType].flatMap(MediaType.init(from:))
        guard let mediaType, mediaType.isType(.applicationJson) else {
            throw HTTPError(.unsupportedMediaType, message: "Content-Type must be application/json")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw HTTPError(.contentTooLarge, message: "Request body is larger than \(limit) bytes")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw HTTPError(.badRequest, message: field.isEmpty ? "Request body must be a JSON object" : "\(field) must be a string")
        } catch {
            throw HTTPError(.badRequest, message: "Request body is not valid JSON")
        }
    }
}
