/// The effective configuration as an operator reads it: one line per key with its value
/// (secrets redacted) and where the value came from.
struct ConfigurationReport: Sendable {
    struct Entry: Equatable, Sendable {
        var key: String
        var value: String
        var origin: ConfigurationSources.Origin
    }

    static func render(_ entries: [Entry]) -> String {
        let width = entries.map(\.key.count).max() ?? 0
        return entries.map { entry in
            let padding = String(repeating: " ", count: width - entry.key.count)
            return "\(entry.key)\(padding)  \(entry.value)   # \(entry.origin)"
        }.joined(separator: "\n")
    }
}
