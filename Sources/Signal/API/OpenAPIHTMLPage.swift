/// A plain, readable HTML rendering of the OpenAPI document, served at `/api-docs` while
/// Swagger UI's files are not installed, so the documentation works right after
/// `swift run notrack`.
///
/// It is rendered once, on the server, into one self-contained page: no script and no
/// external resource, so it passes the appliance's Content-Security-Policy
/// (`script-src 'self'`; inline styles are allowed) and works on a box with no way out.
/// Every text from the document is escaped.
enum OpenAPIHTMLPage {
    static func render(_ document: OrderedJSON, notice: String) -> String {
        let title = document["info"]?["title"]?.text ?? "API"
        let version = document["info"]?["version"]?.text ?? ""
        let operations = self.operations(of: document)
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) \(escape(version))</title>
            <style>\(style)</style>
            </head>
            <body>
            <h1>\(escape(title)) <small>\(escape(version))</small></h1>
            <p class="notice">This is a plain rendering of <a href="/swagger.json">/swagger.json</a>. \(escape(notice))</p>
            <nav><ul>\n
            """
        for operation in operations {
            html += "<li><a href=\"#\(escape(operation.anchor))\"><b>\(escape(operation.method.uppercased()))</b> \(escape(operation.path))</a> \(inline(operation.summary))</li>\n"
        }
        html += "<li><a href=\"#schemas\">Schemas</a></li>\n</ul></nav>\n"
        if let description = document["info"]?["description"]?.text {
            html += "<div class=\"text\">\(inline(description))</div>\n"
        }
        for operation in operations {
            html += section(operation, schemes: document["components"]?["securitySchemes"])
        }
        html += "<h2 id=\"schemas\">Schemas</h2>\n"
        for (name, schema) in document["components"]?["schemas"]?.members ?? [] {
            html += "<section id=\"schema-\(escape(name))\"><h3>\(escape(name))</h3>\(describe(schema))</section>\n"
        }
        return html + "</body>\n</html>\n"
    }

    struct Operation {
        var path: String
        var method: String
        var body: OrderedJSON
        var summary: String { body["summary"]?.text ?? "" }
        var anchor: String { "\(method)-\(path)" }
    }

    static func operations(of document: OrderedJSON) -> [Operation] {
        (document["paths"]?.members ?? []).flatMap { path, methods in
            (methods.members ?? []).map { Operation(path: path, method: $0.0, body: $0.1) }
        }
    }

    /// One operation: what it does, what it takes and every answer it gives.
    static func section(_ operation: Operation, schemes: OrderedJSON?) -> String {
        let body = operation.body
        var html = "<section class=\"operation\" id=\"\(escape(operation.anchor))\">\n"
        html += "<h2><span class=\"method\">\(escape(operation.method.uppercased()))</span> <code>\(escape(operation.path))</code> \(inline(operation.summary))</h2>\n"
        if let description = body["description"]?.text { html += "<p>\(inline(description))</p>\n" }
        for requirement in body["security"]?.items ?? [] {
            for (name, _) in requirement.members ?? [] {
                let detail = schemes?[name]?["description"]?.text.map { ": " + inline($0) } ?? ""
                html += "<p>Authentication: <code>\(escape(name))</code>\(detail)</p>\n"
            }
        }
        if let parameters = body["parameters"]?.items, !parameters.isEmpty {
            html += "<h3>Parameters</h3>\n<table><tr><th>Name</th><th>In</th><th>Schema</th><th>Description</th></tr>\n"
            for parameter in parameters {
                let required = parameter["required"] == .bool(true) ? " <span class=\"required\">required</span>" : ""
                html += "<tr><td><code>\(escape(parameter["name"]?.text ?? ""))</code>\(required)</td>"
                html += "<td>\(escape(parameter["in"]?.text ?? ""))</td><td>\(parameter["schema"].map(describe) ?? "")</td>"
                html += "<td>\(inline(parameter["description"]?.text ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if let requestBody = body["requestBody"] {
            let required = requestBody["required"] == .bool(true) ? " <span class=\"required\">required</span>" : ""
            html += "<h3>Request body\(required)</h3>\n\(content(requestBody["content"]))"
        }
        html += "<h3>Responses</h3>\n<table><tr><th>Status</th><th>Description</th><th>Body</th><th>Headers</th></tr>\n"
        for (status, response) in body["responses"]?.members ?? [] {
            let headers = (response["headers"]?.members ?? []).map { "<code>\(escape($0.0))</code>" }.joined(separator: " ")
            html += "<tr><td><b>\(escape(status))</b></td><td>\(inline(response["description"]?.text ?? ""))</td>"
            html += "<td>\(content(response["content"]))</td><td>\(headers)</td></tr>\n"
        }
        return html + "</table>\n</section>\n"
    }

    /// Each media type of a body with its schema.
    static func content(_ content: OrderedJSON?) -> String {
        (content?.members ?? []).map { type, media in
            "<div><code>\(escape(type))</code> \(media["schema"].map(describe) ?? "")</div>\n"
        }.joined()
    }

    /// A schema as text: its type and constraints, then its properties as a nested list.
    /// References link to the schema's section below.
    static func describe(_ schema: OrderedJSON) -> String {
        if let reference = schema["$ref"]?.text {
            let name = String(reference.split(separator: "/").last ?? "")
            return "<a href=\"#schema-\(escape(name))\">\(escape(name))</a>"
        }
        if let choices = schema["oneOf"]?.items {
            return "one of " + choices.map(describe).joined(separator: " | ")
        }
        var parts: [String] = []
        if let type = schema["type"]?.text {
            let format = schema["format"]?.text.map { " (\(escape($0)))" } ?? ""
            parts.append("<span class=\"type\">\(escape(type))\(format)</span>")
        }
        if let items = schema["items"] { parts.append("of " + describe(items)) }
        if let values = schema["additionalProperties"] { parts.append("of named " + describe(values)) }
        if let values = schema["enum"]?.items {
            parts.append("one of " + values.map { "<code>\(escape(compact($0)))</code>" }.joined(separator: ", "))
        }
        for (key, label) in [("pattern", "pattern"), ("minLength", "min length"), ("maxLength", "max length"), ("minimum", "minimum"), ("maximum", "maximum"), ("minItems", "min items")] {
            if let value = schema[key] { parts.append("\(label) <code>\(escape(compact(value)))</code>") }
        }
        if let description = schema["description"]?.text { parts.append("— " + inline(description)) }
        if let example = schema["example"] { parts.append("e.g. <code>\(escape(compact(example)))</code>") }
        var html = parts.joined(separator: " ")
        if let properties = schema["properties"]?.members {
            let required = Set((schema["required"]?.items ?? []).compactMap(\.text))
            html += "\n<ul>\n"
            for (name, property) in properties {
                let mark = required.contains(name) ? " <span class=\"required\">required</span>" : ""
                html += "<li><code>\(escape(name))</code>\(mark) \(describe(property))</li>\n"
            }
            html += "</ul>"
        }
        return html
    }

    /// Escaped text with the document's markdown `code` spans as `<code>`; the rest of its
    /// markdown (lists, tables) reads well as it is in a pre-wrapped block.
    static func inline(_ text: String) -> String {
        var spans = text.split(separator: "`", omittingEmptySubsequences: false).map { escape(String($0)) }
        // An unmatched backtick stays a backtick.
        let unmatched = spans.count.isMultiple(of: 2) ? spans.removeLast() : nil
        var html = ""
        for (index, span) in spans.enumerated() {
            html += index.isMultiple(of: 2) ? span : "<code>\(span)</code>"
        }
        return unmatched.map { html + "`" + $0 } ?? html
    }

    /// HTML escaping for text and attribute values alike.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// One-line JSON for examples and enum values (strings without their quotes).
    static func compact(_ value: OrderedJSON) -> String {
        switch value {
        case .string(let text): text
        case .array(let items): "[" + items.map(quoted).joined(separator: ", ") + "]"
        case .object: quoted(value)
        default: String(value.serialized().dropLast())
        }
    }

    private static func quoted(_ value: OrderedJSON) -> String {
        switch value {
        case .array: compact(value)
        case .object(let members): "{" + members.map { quoted(.string($0.0)) + ": " + quoted($0.1) }.joined(separator: ", ") + "}"
        default: String(value.serialized().dropLast())
        }
    }

    static let style = """
        body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
        h1 small{font-size:60%;color:#666}code{background:#f3f3f3;padding:0 .2em;border-radius:3px}\
        .notice{background:#fff6d6;border:1px solid #e6d28a;padding:.5rem .75rem;border-radius:4px}\
        .text{white-space:pre-wrap}.operation{border-top:1px solid #ccc;margin-top:2rem}\
        .method{background:#2d6cdf;color:#fff;padding:0 .4em;border-radius:3px;font-size:85%}\
        .required{color:#b00;font-size:85%}.type{color:#555;font-style:italic}\
        table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}\
        ul{margin:.2rem 0}nav ul{columns:2}
        """
}

extension OrderedJSON {
    /// The text of a string value.
    var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The members of an object, in order.
    var members: [(String, OrderedJSON)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The items of an array.
    var items: [OrderedJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
