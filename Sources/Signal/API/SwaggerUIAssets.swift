/// Which files `GET /api-docs/{file}` may serve and how, decided from the requested name
/// alone.
///
/// The name must be a plain file name (no `/`, no leading dot, no `%` escapes) with a known
/// extension, so no request can reach a file outside the Swagger UI directory, a hidden
/// file, or a type the browser would treat differently than we intend. The files
/// themselves are installed by `scripts/fetch-swagger-ui.sh` (development) or the Debian
/// package under `<http.assetsDir>/swagger-ui`.
enum SwaggerUIAssets {
    /// The page `/api-docs` serves.
    static let indexFile = "index.html"

    /// Media types by file extension, in the order the OpenAPI document lists them.
    static let contentTypes: [(String, String)] = [
        ("html", "text/html"),
        ("js", "text/javascript"),
        ("css", "text/css"),
        ("png", "image/png"),
    ]

    /// The `Content-Type` to serve `name` with, or `nil` when the name is refused.
    static func contentType(forFileNamed name: String) -> String? {
        guard isPlainFileName(name), let dot = name.lastIndex(of: ".") else { return nil }
        let fileExtension = name[name.index(after: dot)...].lowercased()
        guard let mediaType = contentTypes.first(where: { $0.0 == fileExtension })?.1 else { return nil }
        return mediaType.hasPrefix("text/") ? mediaType + "; charset=utf-8" : mediaType
    }

    /// Letters, digits, `.`, `-` and `_`, not starting with a dot, at most 128 characters.
    static func isPlainFileName(_ name: String) -> Bool {
        guard (1...128).contains(name.utf8.count), name.utf8.first != UInt8(ascii: ".") else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// The 503 of the OpenAPI document.
    static let missingDescription = "Swagger UI's files are not installed on this appliance"

    /// What an operator reads in the 503 body: how to get the files back.
    static func missingMessage(directory: String, environment: DeploymentEnvironment) -> String {
        switch environment {
        case .development:
            "\(missingDescription) (\(directory)); run scripts/fetch-swagger-ui.sh, or point http.assetsDir at a directory holding swagger-ui/"
        case .production:
            "\(missingDescription); reinstall the notrack package (apt install --reinstall notrack) or check http.assetsDir"
        }
    }
}
