import ArgumentParser
import Logging

/// `notrack serve` (the default command): runs signaling and the relay until SIGTERM/SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the appliance: HTTP API, Socket.IO signaling and the STUN/TURN relay.",
        discussion: """
            Stops gracefully on SIGTERM or SIGINT and exits 0.

            Examples:
              notrack serve
              notrack serve --port 8080 --log-level debug
              NOTRACK_ENVIRONMENT=production NOTRACK_AUTH_JWT_SECRET_FILE=/etc/notrack/secret notrack serve
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try options.loadOrExit()
        ObservabilityBootstrap.bootstrapLogging(format: configuration.logFormat, level: configuration.logLevel)
        let metricsExposition = ObservabilityBootstrap.bootstrapMetrics()
        let logger = Logger(label: "notrack")
        do {
            try await ApplianceRuntime(configuration: configuration, metricsExposition: metricsExposition, logger: logger).run()
        } catch let failure as StartupFailure {
            logger.critical("cannot start", metadata: ["reason": .string(failure.description)])
            StandardError.print("notrack: \(failure)")
            throw ExitCode.failure
        }
    }
}
