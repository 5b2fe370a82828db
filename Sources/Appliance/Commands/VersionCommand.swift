import ArgumentParser

/// `notrack version`: the appliance's version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("notrack \(Version.string)")
    }
}
