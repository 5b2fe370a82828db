import Foundation
import Hummingbird
import NIOCore

/// `GET /swagger.json` and Swagger UI at `GET /api-docs` (API reference, "Interactive
/// Documentation").
///
/// Swagger UI is served from this box, never a CDN: an appliance may have no way out to
/// the internet, and its Content-Security-Policy allows scripts from itself only. Until its
/// files are installed, the page is our own rendering of the document (`OpenAPIHTMLPage`),
/// so `/api-docs` is useful from the first `swift run notrack`.
struct APIDocumentationRoutes {
    let configuration: SignalConfiguration

    var swaggerUIDirectory: String {
        configuration.assetsDirectory + "/swagger-ui"
    }

    func register(on router: Router<SignalRequestContext>) {
        let openAPI = OpenAPIDocument.make(version: configuration.version)
        let document = ByteBuffer(string: openAPI.serialized())
        let plainPage = ByteBuffer(string: OpenAPIHTMLPage.render(openAPI, notice: missingMessage))
        router.get("/swagger.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: document))
        }
        router.get("/api-docs") { _, context in
            try await asset(SwaggerUIAssets.indexFile, plainPage: plainPage, context: context)
        }
        router.get("/api-docs/:file") { _, context in
            try await asset(context.parameters.require("file"), plainPage: plainPage, context: context)
        }
    }

    var missingMessage: String {
        SwaggerUIAssets.missingMessage(directory: swaggerUIDirectory, environment: configuration.environment)
    }

    /// A Swagger UI file, or, while Swagger UI is not installed, `plainPage` for its page.
    func asset(_ name: String, plainPage: ByteBuffer, context: SignalRequestContext) async throws -> Response {
        guard let contentType = SwaggerUIAssets.contentType(forFileNamed: name) else {
            throw HTTPError(.notFound, message: "No such asset")
        }
        // The page is the marker of an installed Swagger UI. Without it the page is our own
        // rendering, and its other files get a 503 that says how to install them rather
        // than a puzzling 404.
        guard FileManager.default.fileExists(atPath: swaggerUIDirectory + "/" + SwaggerUIAssets.indexFile) else {
            if name == SwaggerUIAssets.indexFile {
                return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: plainPage))
            }
            return ErrorBody(message: missingMessage, status: .serviceUnavailable).response()
        }
        let body = try await FileIO().loadFile(path: swaggerUIDirectory + "/" + name, context: context)
        return Response(status: .ok, headers: [.contentType: contentType], body: body)
    }
}
