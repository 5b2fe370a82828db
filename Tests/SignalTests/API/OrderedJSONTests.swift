import Foundation
import Testing

@testable import Signal

/// The hand-written serializer writes valid JSON in the order the document was written.
@Suite struct OrderedJSONTests {
    @Test func keepsMemberOrder() {
        let value: OrderedJSON = ["zeta": 1, "alpha": [true, 2.5, "x"], "mid": [:]]
        #expect(value.serialized() == "{\n  \"zeta\": 1,\n  \"alpha\": [\n    true,\n    2.5,\n    \"x\"\n  ],\n  \"mid\": {}\n}\n")
    }

    @Test func escapesWhatJSONRequires() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} é 🎧"
        let serialized = OrderedJSON.array([.string(text)]).serialized()
        #expect(serialized.contains("\\u0007"))
        let parsed = try JSONSerialization.jsonObject(with: Data(serialized.utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test func mergingAppendsAndReplacesMembers() {
        let merged = OrderedJSON(dictionaryLiteral: ("a", 1), ("b", 2)).merging(["b": 3, "c": 4])
        #expect(merged == ["a": 1, "b": 3, "c": 4])
    }
}
