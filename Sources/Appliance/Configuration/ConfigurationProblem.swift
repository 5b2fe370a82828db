/// One thing wrong with the configuration, named by its key, with what to change.
struct ConfigurationProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dotted key (`relay.port`), or the file path for problems of the file as a whole.
    var key: String
    var message: String

    var description: String { "\(key): \(message)" }
}

/// Every problem found, so an operator fixes them all in one pass.
struct ConfigurationProblems: Error, Equatable, Sendable, CustomStringConvertible {
    var problems: [ConfigurationProblem]

    var description: String {
        (["configuration has \(problems.count) problem(s):"] + problems.map { "  - \($0)" })
            .joined(separator: "\n")
    }
}
