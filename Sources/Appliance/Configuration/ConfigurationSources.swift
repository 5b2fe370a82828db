import Foundation
import Configuration

/// Where configuration values come from, highest precedence first:
/// command-line flags > `NOTRACK_*` environment > short aliases (`PORT`, `JWT_SECRET` …) >
/// the YAML file > built-in defaults (DESIGN.md, "Operator interface").
struct ConfigurationSources: Sendable {
    /// Where one value came from, for `check-config` and error messages.
    enum Origin: Equatable, Sendable, CustomStringConvertible {
        case flag(String)
        case environment(String)
        case file(String)
        case defaulted
        /// Not configured; read from this machine (the relay's address, `HostAddresses`).
        case detected

        var description: String {
            switch self {
            case .flag(let name): "flag \(name)"
            case .environment(let name): "environment \(name)"
            case .file(let path): "file \(path)"
            case .defaulted: "default"
            case .detected: "detected"
            }
        }
    }

    /// A value given on the command line, keyed by the configuration key it sets.
    struct Flag: Sendable {
        var value: String
        var name: String
    }

    var flags: [ConfigurationKey: Flag] = [:]
    var environment: [String: String] = [:]
    var file: ConfigurationFile?

    /// The raw value of `key` from the highest-precedence source that sets it; empty
    /// environment values count as unset.
    func lookup(_ key: ConfigurationKey) throws(ConfigurationProblem) -> (value: ConfigurationFile.Value, origin: Origin)? {
        if let flag = flags[key] {
            return (key.isList ? .list(Self.splitList(flag.value)) : .scalar(flag.value), .flag(flag.name))
        }
        for name in environmentNames(for: key) {
            if let raw = environmentValue(named: name), !raw.trimmingCharacters(in: .whitespaces).isEmpty {
                return (key.isList ? .list(Self.splitList(raw)) : .scalar(raw), .environment(name))
            }
        }
        if let file, let value = file.values[key.name] {
            switch (value, key.isList) {
            case (.scalar(let text), true): return (.list(Self.splitList(text)), .file(file.path))
            case (.list, false):
                throw ConfigurationProblem(key: key.name, message: "expects a single value, not a list (in \(file.path))")
            default: return (value, .file(file.path))
            }
        }
        return nil
    }

    /// `NOTRACK_<SECTION>_<KEY>` as swift-configuration encodes it, then the short alias.
    func environmentNames(for key: ConfigurationKey) -> [String] {
        [Self.notrackName(for: key)] + (key.alias.map { [$0] } ?? [])
    }

    static func notrackName(for key: ConfigurationKey) -> String {
        let provider = EnvironmentVariablesProvider(environmentVariables: [:]).prefixKeys(with: ConfigKey(["notrack"]))
        let encoded = try? provider.value(forKey: AbsoluteConfigKey(key.components), type: .string).encodedKey
        return encoded ?? key.name
    }

    private func environmentValue(named name: String) -> String? {
        let provider = EnvironmentVariablesProvider(environmentVariables: environment)
        guard case .string(let value)? = try? provider.value(forKey: AbsoluteConfigKey([name]), type: .string).value?.content
        else { return nil }
        return value
    }

    /// Comma-separated lists (`ALLOWED_ORIGINS=a,b`), trimmed, empty items dropped.
    static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
