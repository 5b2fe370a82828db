/// A JSON value written as a Swift literal, for documents whose key order matters to
/// their readers.
///
/// The OpenAPI document is built from these rather than `Codable` types because it is
/// schema *data*, not a model we decode; and it is serialized by hand because
/// `JSONEncoder` does not promise to keep key order, while Swagger UI lists paths,
/// properties and events in the order the document gives them.
indirect enum OrderedJSON: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case array([OrderedJSON])
    /// Members in the order they are written.
    case object([(String, OrderedJSON)])

    static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// The member named `key` of an object, `nil` for other values.
    subscript(key: String) -> OrderedJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// This object with `other`'s members appended (or replacing members of the same name).
    func merging(_ other: OrderedJSON) -> OrderedJSON {
        guard case .object(var members) = self, case .object(let extra) = other else { return other }
        for (key, value) in extra {
            if let index = members.firstIndex(where: { $0.0 == key }) {
                members[index].1 = value
            } else {
                members.append((key, value))
            }
        }
        return .object(members)
    }
}

extension OrderedJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(value) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: OrderedJSON...) { self = .array(elements) }
    /// Dictionary literals keep their written order, unlike `Dictionary`.
    init(dictionaryLiteral elements: (String, OrderedJSON)...) { self = .object(elements) }
}

extension OrderedJSON {
    /// RFC 8259 text, indented by two spaces per level so `curl /swagger.json` is readable.
    func serialized() -> String {
        var output = ""
        write(to: &output, indent: 0)
        output.append("\n")
        return output
    }

    private func write(to output: inout String, indent: Int) {
        switch self {
        case .string(let text): Self.writeString(text, to: &output)
        case .integer(let value): output.append(String(value))
        case .number(let value): output.append(value.isFinite ? "\(value)" : "null")
        case .bool(let value): output.append(value ? "true" : "false")
        case .array(let items):
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", to: &output, indent: indent)
        case .object(let members):
            writeContainer(members.map { ($0.0, $0.1) }, open: "{", close: "}", to: &output, indent: indent)
        }
    }

    private func writeContainer(
        _ entries: [(String?, OrderedJSON)], open: String, close: String, to output: inout String, indent: Int
    ) {
        guard !entries.isEmpty else { return output.append(open + close) }
        let inner = String(repeating: "  ", count: indent + 1)
        output.append(open + "\n")
        for (index, (key, value)) in entries.enumerated() {
            output.append(inner)
            if let key {
                Self.writeString(key, to: &output)
                output.append(": ")
            }
            value.write(to: &output, indent: indent + 1)
            output.append(index == entries.count - 1 ? "\n" : ",\n")
        }
        output.append(String(repeating: "  ", count: indent) + close)
    }

    private static func writeString(_ text: String, to output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }
}
