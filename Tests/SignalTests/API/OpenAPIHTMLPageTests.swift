import Testing

@testable import Signal

/// The plain rendering of the OpenAPI document: every part a reader needs, and nothing
/// from the document ever becomes markup.
@Suite struct OpenAPIHTMLPageTests {
    static let hostile = "<script>alert('x')</script> & \"quoted\""

    static let document: OrderedJSON = [
        "openapi": "3.0.3",
        "info": ["title": .string("Demo " + hostile), "version": "1.2.3", "description": "Use `GET /thing` first."],
        "paths": [
            "/things/{id}": [
                "post": [
                    "summary": .string("Make " + hostile),
                    "description": "Creates a thing.",
                    "parameters": [["name": "id", "in": "path", "required": true, "description": "The thing's `id`.", "schema": ["type": "string", "pattern": "^[a-z]+$"]]],
                    "requestBody": ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Thing"]]]],
                    "responses": [
                        "201": ["description": "Made", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Thing"]]]],
                        "400": ["description": .string("Bad " + hostile)],
                    ],
                ]
            ]
        ],
        "components": [
            "schemas": [
                "Thing": [
                    "type": "object",
                    "required": ["name"],
                    "properties": [
                        "name": ["type": "string", "minLength": 3, "example": .string(hostile)],
                        "kind": ["type": "string", "enum": ["a", "b"]],
                        "tags": ["type": "array", "items": ["type": "string"]],
                    ],
                ]
            ]
        ],
    ]

    let page = OpenAPIHTMLPage.render(Self.document, notice: "Install " + Self.hostile)

    @Test func escapesEveryTextFromTheDocument() {
        #expect(!page.contains("<script"))
        #expect(!page.contains("alert('x')"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"))
    }

    @Test func showsTitleVersionAndEachOperation() {
        #expect(page.contains("<title>Demo &lt;script&gt;"))
        #expect(page.contains("<small>1.2.3</small>"))
        #expect(page.contains("<span class=\"method\">POST</span> <code>/things/{id}</code> Make &lt;script&gt;"))
        #expect(page.contains("Use <code>GET /thing</code> first."))
        #expect(page.contains("<code>id</code> <span class=\"required\">required</span>"))
        #expect(page.contains("pattern <code>^[a-z]+$</code>"))
        #expect(page.contains("<h3>Request body <span class=\"required\">required</span></h3>"))
        #expect(page.contains("<b>201</b>") && page.contains("<b>400</b>"))
        #expect(page.contains("<a href=\"#schema-Thing\">Thing</a>"))
    }

    @Test func rendersSchemasWithTheirProperties() {
        #expect(page.contains("<section id=\"schema-Thing\"><h3>Thing</h3>"))
        #expect(page.contains("<li><code>name</code> <span class=\"required\">required</span> <span class=\"type\">string</span> min length <code>3</code>"))
        #expect(page.contains("<li><code>kind</code> <span class=\"type\">string</span> one of <code>a</code>, <code>b</code></li>"))
        #expect(page.contains("<li><code>tags</code> <span class=\"type\">array</span> of <span class=\"type\">string</span></li>"))
    }

    @Test func inlineCodeKeepsAnUnmatchedBacktick() {
        #expect(OpenAPIHTMLPage.inline("a `b` c `d") == "a <code>b</code> c `d")
        #expect(OpenAPIHTMLPage.inline("`<x>`") == "<code>&lt;x&gt;</code>")
    }

    @Test func compactExamples() {
        #expect(OpenAPIHTMLPage.compact(["a", 1, true]) == "[\"a\", 1, true]")
        #expect(OpenAPIHTMLPage.compact(["k": "v"]) == "{\"k\": \"v\"}")
        #expect(OpenAPIHTMLPage.compact("text") == "text")
    }
}
