import Testing

@testable import Signal

@Suite struct JSONValueTests {
    @Test(arguments: [
        ("null", JSONValue.null), ("true", .bool(true)), ("false", .bool(false)), ("0", .number(0)),
        ("-12", .number(-12)), ("3.5", .number(3.5)), ("1e3", .number(1000)), ("-0.25E-2", .number(-0.0025)),
        ("\"a\\\"b\\\\c\\/d\\n\"", .string("a\"b\\c/d\n")), ("\"\\u00e9\\ud83d\\ude00\"", .string("é😀")),
        ("[]", .array([])), ("{}", .object([:])), (" [ 1 , \"2\" , { \"3\" : [ true ] } ] ", JSONValue.array([1, "2", ["3": [true]]])),
    ])
    func parses(text: String, value: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == value)
    }

    @Test(arguments: [
        "", "[", "]", "{", "[1,]", "[1 2]", "{\"a\"}", "{\"a\":}", "{a:1}", "{\"a\":1,}", "01", "-", "1.", ".5", "1e",
        "+1", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"a\u{1}b\"", "[1]x", "NaN", "'a'",
    ])
    func refusesMalformedJSON(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.tooDeep) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect((try? JSONValue(parsing: fine)) != nil)
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        #expect(try JSONValue(parsing: "\"\\ud800x\"") == .string("\u{FFFD}x"))
    }

    @Test(arguments: [
        (JSONValue.null, "null"), (.bool(true), "true"), (.number(1), "1"), (.number(-3), "-3"), (.number(0.5), "0.5"),
        (.number(1e21), "1e+21"), (.number(.infinity), "null"),
        (.string("a\"b\\\n\u{1}"), "\"a\\\"b\\\\\\n\\u0001\""), (.string("é"), "\"é\""),
        (JSONValue.array([1, "2", ["3": [true]]]), "[1,\"2\",{\"3\":[true]}]"), (JSONValue.object(["b": 1, "a": 2]), "{\"a\":2,\"b\":1}"),
    ])
    func serializes(value: JSONValue, text: String) {
        #expect(value.serialized == text)
    }

    @Test func roundTrips() throws {
        let value: JSONValue = ["list": [1, 2.5, "x", nil, false], "nested": ["k": "v\u{2028}"], "empty": [:]]
        #expect(try JSONValue(parsing: value.serialized) == value)
    }

    @Test func accessors() {
        let value: JSONValue = ["n": 3, "s": "t", "b": true, "a": [1], "f": 1.5]
        #expect(value["n"]?.intValue == 3)
        #expect(value["f"]?.intValue == nil)
        #expect(value["f"]?.doubleValue == 1.5)
        #expect(value["s"]?.stringValue == "t")
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["k"] == nil)
        #expect(!value.containsBinary)
        #expect(JSONValue.array([["x": .binary([1])]]).containsBinary)
    }
}
