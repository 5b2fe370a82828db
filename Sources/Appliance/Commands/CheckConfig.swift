import ArgumentParser

/// `notrack check-config`: validates the configuration without starting anything and
/// prints the effective values, secrets redacted, each with where it came from.
struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and print the effective values (secrets redacted).",
        discussion: """
            Exits 0 when the configuration is valid, 1 with every problem listed otherwise. \
            Warnings (settings that work but deserve attention) go to standard error.

            Examples:
              notrack check-config
              notrack check-config --config /etc/notrack/notrack.yaml
              NOTRACK_RELAY_PORT=3479 notrack check-config
              notrack check-config --privileged-ports
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Flag(help: "Print only the listener ports below 1024, as KEY=PORT lines (none: no output). The Debian package's systemd generator grants CAP_NET_BIND_SERVICE from them.")
    var privilegedPorts = false

    func run() async throws {
        let configuration = try options.loadOrExit()
        for warning in configuration.warnings {
            StandardError.print("warning: \(warning)")
        }
        if privilegedPorts {
            for (key, port) in configuration.privilegedPorts { print("\(key)=\(port)") }
            return
        }
        print(ConfigurationReport.render(configuration.report))
        if case .generate(let path) = configuration.secret {
            print("# development: a secret will be generated at \(path) on first start")
        }
        print("# configuration OK (\(configuration.environment))")
    }
}
