import Foundation
import Yams

/// `notrack.yaml` read into dotted keys: nested mappings become `section.key`, sequences of
/// scalars become lists, empty values (`key:` or `~`) count as unset.
///
/// Keys the appliance does not know are problems, not silently ignored: a typo in
/// `relay.prot` must not leave an operator wondering why the port did not change.
struct ConfigurationFile: Sendable {
    enum Value: Equatable, Sendable {
        case scalar(String)
        case list([String])
    }

    let path: String
    let values: [String: Value]

    /// Parses YAML text; returns the values, or every problem found in the file.
    static func parse(_ text: String, path: String, knownKeys: Set<String>) -> Result<Self, ConfigurationProblems> {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            return .failure(.init(problems: [.init(key: path, message: "is not valid YAML (\(error)); fix the syntax")]))
        }
        guard let node else { return .success(Self(path: path, values: [:])) }
        guard let mapping = node.mapping else {
            return .failure(.init(problems: [.init(key: path, message: "must be a YAML mapping of sections (environment:, http:, relay: …)")]))
        }
        var values: [String: Value] = [:]
        var problems: [ConfigurationProblem] = []
        flatten(mapping, prefix: [], into: &values, problems: &problems)
        for key in values.keys.sorted() where !knownKeys.contains(key) {
            problems.append(.init(key: key, message: unknownKeyMessage(key, knownKeys: knownKeys)))
        }
        return problems.isEmpty ? .success(Self(path: path, values: values)) : .failure(.init(problems: problems))
    }

    private static func flatten(
        _ mapping: Node.Mapping,
        prefix: [String],
        into values: inout [String: Value],
        problems: inout [ConfigurationProblem]
    ) {
        for (keyNode, valueNode) in mapping {
            guard let name = keyNode.scalar?.string else {
                problems.append(.init(key: (prefix + ["?"]).joined(separator: "."), message: "keys must be plain names"))
                continue
            }
            let path = prefix + [name]
            let key = path.joined(separator: ".")
            switch valueNode {
            case .mapping(let nested):
                flatten(nested, prefix: path, into: &values, problems: &problems)
            case .sequence(let sequence):
                var items: [String] = []
                for item in sequence {
                    guard let scalar = item.scalar?.string else {
                        problems.append(.init(key: key, message: "list items must be plain values"))
                        continue
                    }
                    items.append(scalar)
                }
                values[key] = .list(items)
            case .scalar(let scalar):
                if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                    continue
                }
                values[key] = .scalar(scalar.string)
            case .alias:
                problems.append(.init(key: key, message: "YAML anchors and aliases are not supported; write the value out"))
            }
        }
    }

    /// "unknown key", with the nearest known key when one is close enough to be a typo.
    static func unknownKeyMessage(_ key: String, knownKeys: Set<String>) -> String {
        let nearest = knownKeys.min { editDistance($0.lowercased(), key.lowercased()) < editDistance($1.lowercased(), key.lowercased()) }
        if let nearest, editDistance(nearest.lowercased(), key.lowercased()) <= max(2, key.count / 4) {
            return "unknown key; did you mean '\(nearest)'?"
        }
        return "unknown key; etc/notrack.yaml lists every key"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
