import Foundation
import Logging

/// One log record rendered as a single line: a JSON object (for journald and log
/// shippers) or logfmt-like text (for a person at a terminal).
struct LogLine {
    var timestamp: Date
    var level: Logger.Level
    var label: String
    var message: String
    var metadata: Logger.Metadata

    func json() -> String {
        var fields: [(String, String)] = [
            ("time", Self.quoted(Self.iso8601(timestamp))),
            ("level", Self.quoted(level.rawValue)),
            ("logger", Self.quoted(label)),
            ("msg", Self.quoted(message)),
        ]
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where !["time", "level", "logger", "msg"].contains(key) {
            fields.append((key, Self.json(value)))
        }
        return "{" + fields.map { "\(Self.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    func text() -> String {
        var line = "\(Self.iso8601(timestamp)) \(level.rawValue.uppercased()) \(message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(Self.logfmt(value.description))"
        }
        return line
    }

    static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func json(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string): quoted(string)
        case .stringConvertible(let convertible): quoted(convertible.description)
        case .array(let array): "[" + array.map(json).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            "{" + dictionary.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(json($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal; control characters escaped so one record stays one line.
    static func quoted(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// logfmt quotes values holding spaces, quotes or `=`; newlines are escaped.
    private static func logfmt(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        return needsQuotes ? quoted(value) : value
    }
}
