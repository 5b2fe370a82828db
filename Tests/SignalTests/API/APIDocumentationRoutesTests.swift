import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Signal

/// Swagger UI at `/api-docs`, from the appliance's own files: served with the right types,
/// nothing outside its folder, and a 503 that says how to install it when it is missing.
@Suite struct APIDocumentationRoutesTests {
    /// An assets directory with a small Swagger UI installed, and a secret beside it that
    /// no request may reach.
    static func installedAssets() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("notrack-assets-\(UUID().uuidString)")
        let swaggerUI = root.appendingPathComponent("swagger-ui")
        try FileManager.default.createDirectory(at: swaggerUI, withIntermediateDirectories: true)
        let files = [
            "index.html": "<!DOCTYPE html><title>NoTrack API</title>",
            "swagger-ui-bundle.js": "var SwaggerUIBundle = 1;",
            "swagger-ui.css": "body { margin: 0 }",
            "favicon-16x16.png": "\u{89}PNG",
            ".hidden.js": "hidden",
            "notes.txt": "not an asset type",
        ]
        for (name, text) in files {
            try Data(text.utf8).write(to: swaggerUI.appendingPathComponent(name))
        }
        try Data("secret".utf8).write(to: root.appendingPathComponent("secret.js"))
        return root.path
    }

    @Test(arguments: ["/api-docs", "/api-docs/", "/api-docs/index.html"])
    func servesThePage(uri: String) async throws {
        try await testRouter(try await makeSignal(assetsDirectory: Self.installedAssets())) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body) == "<!DOCTYPE html><title>NoTrack API</title>")
            }
        }
    }

    @Test(arguments: [
        ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ("swagger-ui.css", "text/css; charset=utf-8"),
        ("favicon-16x16.png", "image/png"),
    ])
    func servesAssetsWithTheirTypes(file: String, contentType: String) async throws {
        try await testRouter(try await makeSignal(assetsDirectory: Self.installedAssets())) { client in
            try await client.execute(uri: "/api-docs/\(file)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == contentType)
                #expect(response.body.readableBytes > 0)
            }
        }
    }

    @Test(arguments: [
        "/api-docs/..%2Fsecret.js",
        "/api-docs/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api-docs/%2E%2E/secret.js",
        "/api-docs/.hidden.js",
        "/api-docs/notes.txt",
        "/api-docs/missing.js",
    ])
    func refusesAnythingButAnInstalledAsset(uri: String) async throws {
        try await testRouter(try await makeSignal(assetsDirectory: Self.installedAssets())) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .notFound)
                let error = try #require(try json(response.body)["error"] as? [String: Any])
                #expect(error["status"] as? Int == 404)
                #expect(!String(buffer: response.body).contains("secret"))
            }
        }
    }

    @Test func pathsOutsideTheFolderNeverReachAFile() async throws {
        try await testRouter(try await makeSignal(assetsDirectory: Self.installedAssets())) { client in
            try await client.execute(uri: "/api-docs/../secret.js", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test(arguments: [
        (DeploymentEnvironment.development, "run scripts/fetch-swagger-ui.sh"),
        (DeploymentEnvironment.production, "reinstall the notrack package"),
    ])
    func missingAssetsAnswer503SayingHowToInstallThem(environment: DeploymentEnvironment, advice: String) async throws {
        try await testRouter(try await makeSignal(environment: environment, assetsDirectory: "/nonexistent/assets")) { client in
            try await client.execute(uri: "/api-docs/swagger-ui-bundle.js", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let error = try #require(try json(response.body)["error"] as? [String: Any])
                #expect(error["status"] as? Int == 503)
                #expect((error["message"] as? String)?.contains(advice) == true)
            }
            try await client.execute(uri: "/api-docs", method: .get) { response in
                #expect(String(buffer: response.body).contains(OpenAPIHTMLPage.escape(advice)))
            }
        }
    }

    /// Right after `swift run notrack`, with no Swagger UI: the page is the document itself,
    /// readable, self-contained and without script, under the appliance's CSP.
    @Test(arguments: ["/api-docs", "/api-docs/", "/api-docs/index.html"])
    func withoutSwaggerUIThePageRendersTheDocument(uri: String) async throws {
        try await testRouter(try await makeSignal(assetsDirectory: "/nonexistent/assets")) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
                let page = String(buffer: response.body)
                #expect(page.hasPrefix("<!DOCTYPE html>"))
                #expect(page.contains("<title>NoTrack API 9.9.9</title>"))
                for path in OpenAPIDocumentTests.operations.map(\.path) {
                    #expect(page.contains("<code>\(OpenAPIHTMLPage.escape(path))</code>"), "\(path) missing")
                }
                #expect(page.contains("<span class=\"method\">POST</span> <code>/api/auth/register</code>"))
                #expect(page.contains("id=\"schema-RegisterRequest\""))
                #expect(page.contains("<b>409</b>"))
                #expect(!page.lowercased().contains("<script"))
                #expect(!page.contains("src="))
                #expect(page.matches(of: /href="([^"]*)"/).allSatisfy { $0.1.hasPrefix("#") || $0.1 == "/swagger.json" })
            }
        }
    }
}

/// The file-name policy on its own: the only gate between a URL and the file system.
@Suite struct SwaggerUIAssetsTests {
    @Test func knownTypesOfPlainNames() {
        #expect(SwaggerUIAssets.contentType(forFileNamed: "index.html") == "text/html; charset=utf-8")
        #expect(SwaggerUIAssets.contentType(forFileNamed: "swagger-ui-standalone-preset.js") == "text/javascript; charset=utf-8")
        #expect(SwaggerUIAssets.contentType(forFileNamed: "favicon-32x32.PNG") == "image/png")
    }

    @Test(arguments: ["", ".", "..", "../index.html", "a/b.js", "..%2Fa.js", ".env.js", "a\\b.js", "a.js\0.png", "LICENSE", "x.map", "a b.js", String(repeating: "a", count: 130) + ".js"])
    func refusedNames(name: String) {
        #expect(SwaggerUIAssets.contentType(forFileNamed: name) == nil)
    }
}
