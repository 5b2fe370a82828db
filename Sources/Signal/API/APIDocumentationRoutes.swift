import Foundation
import Hummingbird
import NIOCore

/// `GET /swagger.json` and Swagger UI at `GET /api-docs` (API reference, "Interactive
/// Documentation").
///
/// Swagger UI is served from this box, never a CDN: an appliance may have no way out to
/// the internet, and its Content-Security-Policy allows scripts from itself only.
struct APIDocumentationRoutes {
    let configuration: SignalConfiguration

    var swaggerUIDirectory: String {
        configuration.assetsDirectory + "/swagger-ui"
    }

    func register(on router: Router<SignalRequestContext>) {
        let document = ByteBuffer(string: OpenAPIDocument.make(version: configuration.version).serialized())
        router.get("/swagger.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: document))
        }
        router.get("/api-docs") { _, context in try await asset(SwaggerUIAssets.indexFile, context: context) }
        router.get("/api-docs/:file") { _, context in
            try await asset(context.parameters.require("file"), context: context)
        }
    }

    func asset(_ name: String, context: SignalRequestContext) async throws -> Response {
        guard let contentType = SwaggerUIAssets.contentType(forFileNamed: name) else {
            throw HTTPError(.notFound, message: "No such asset")
        }
        // The page is the marker of an installed Swagger UI: without it nothing works, so
        // the operator gets a 503 that says how to install it rather than a puzzling 404.
        guard FileManager.default.fileExists(atPath: swaggerUIDirectory + "/" + SwaggerUIAssets.indexFile) else {
            return ErrorBody(
                message: SwaggerUIAssets.missingMessage(directory: swaggerUIDirectory, environment: configuration.environment),
                status: .serviceUnavailable
            ).response()
        }
        let body = try await FileIO().loadFile(path: swaggerUIDirectory + "/" + name, context: context)
        return Response(status: .ok, headers: [.contentType: contentType], body: body)
    }
}
