import ArgumentParser
import Foundation

/// The flags every command that reads the configuration accepts. Flags win over the
/// environment and the file; each one names the key it sets.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: $NOTRACK_CONFIG, else /etc/notrack/notrack.yaml if present).")
    var config: String?

    @Option(name: .long, help: "development or production (environment).")
    var environment: String?

    @Option(name: .long, help: "HTTP/WebSocket listen address (http.host).")
    var host: String?

    @Option(name: .long, help: "HTTP/WebSocket port (http.port).")
    var port: String?

    @Option(name: .long, help: "Directory for the database and the development secret (dataDir).")
    var dataDir: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (log.level).")
    var logLevel: String?

    static let defaultConfigPath = "/etc/notrack/notrack.yaml"

    /// The sources these flags and the process environment describe, or the problems
    /// that prevent reading the file.
    func sources(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<ConfigurationSources, ConfigurationProblems> {
        var sources = ConfigurationSources(environment: environment)
        let flagValues: [(ConfigurationKey, String?, String)] = [
            (.environment, self.environment, "--environment"),
            (.httpHost, host, "--host"),
            (.httpPort, port, "--port"),
            (.dataDir, dataDir, "--data-dir"),
            (.logLevel, logLevel, "--log-level"),
        ]
        for case let (key, value?, name) in flagValues {
            sources.flags[key] = .init(value: value, name: name)
        }
        let explicit = config ?? environment["NOTRACK_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let fileToRead = explicit ?? (FileManager.default.fileExists(atPath: Self.defaultConfigPath) ? Self.defaultConfigPath : nil)
        guard let path = fileToRead else { return .success(sources) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
            let origin = config != nil ? "--config" : (explicit != nil ? "NOTRACK_CONFIG" : "the default location")
            return .failure(.init(problems: [.init(key: path, message: "configuration file \(reason); fix the path given by \(origin)")]))
        }
        switch ConfigurationFile.parse(text, path: path, knownKeys: Set(ConfigurationKey.all.map(\.name))) {
        case .success(let file):
            sources.file = file
            return .success(sources)
        case .failure(let problems):
            return .failure(problems)
        }
    }

    /// The validated configuration; on problems, prints every one and exits with status 1.
    func loadOrExit() throws -> ApplianceConfiguration {
        let loaded = sources().flatMap { ConfigurationLoader(sources: $0).load() }
        switch loaded {
        case .success(let configuration):
            return configuration
        case .failure(let problems):
            StandardError.print(problems.description)
            throw ExitCode.failure
        }
    }
}

/// Messages for the operator before logging is set up.
enum StandardError {
    static func print(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
