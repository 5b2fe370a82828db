import ArgumentParser

/// `notrack`: the NoTrack calling appliance, signaling and STUN/TURN relay in one binary.
@main
struct NoTrack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notrack",
        abstract: "NoTrack: a self-hosted calling appliance (Socket.IO signaling + STUN/TURN relay).",
        discussion: """
            Configuration comes from flags, then NOTRACK_* environment variables (and the short \
            aliases PORT, HOST, JWT_SECRET, NODE_ENV, GUEST_ACCESS, LOG_LEVEL), then the YAML file \
            (--config, NOTRACK_CONFIG, or /etc/notrack/notrack.yaml when it exists), then defaults. \
            With no configuration at all, notrack runs in development mode on 127.0.0.1:3000.

            Examples:
              notrack                                   # serve on embedded development defaults
              notrack serve --config /etc/notrack/notrack.yaml
              PORT=8080 notrack serve --log-level debug
              notrack check-config --config ./notrack.yaml
              notrack version
            """,
        version: Version.string,
        subcommands: [Serve.self, CheckConfig.self, Users.self, TURNSecretCommand.self, TURNCredentialsCommand.self, VersionCommand.self],
        defaultSubcommand: Serve.self
    )
}
