import ArgumentParser
import Foundation
import Signal

/// `notrack users add|list|remove|passwd`: account administration on the appliance's own
/// database, for an operator at the box (works while the service runs: SQLite in WAL mode).
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage user accounts in the appliance's database.",
        discussion: """
            Examples:
              notrack users add alice@example.com
              echo 'S3curePassword' | notrack users add bob@example.com --password-stdin
              notrack users list
              notrack users passwd alice@example.com
              notrack users remove bob@example.com
            """,
        subcommands: [Add.self, List.self, Remove.self, Passwd.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account; prints its extension.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The username: an email address.") var username: String
        @Flag(help: "Read the password from standard input instead of prompting.") var passwordStdin = false

        func run() async throws {
            let configuration = try options.loadOrExit()
            try UserAdministration.check(RegistrationRules.usernameProblems(username))
            let hash = try await UserAdministration.newPasswordHash(configuration, fromStandardInput: passwordStdin)
            do {
                let account = try await UserAdministration.store(configuration).create(username: username, passwordHash: hash)
                print("created \(account.username) with extension \(account.extension)")
            } catch AccountError.usernameTaken {
                throw UserAdministration.failure("\(username) already exists; use `notrack users passwd` to change its password")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts with their extensions.")
        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            let accounts = try await UserAdministration.store(try options.loadOrExit()).list()
            for account in accounts {
                print("\(account.extension)  \(account.username)  created \(account.createdAt.formatted(.iso8601))")
            }
            if accounts.isEmpty { print("no accounts") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account; its extension is never reused.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The username to remove.") var username: String

        func run() async throws {
            do {
                try await UserAdministration.store(try options.loadOrExit()).remove(username: username)
                print("removed \(username)")
            } catch AccountError.notFound {
                throw UserAdministration.failure("no account named \(username); `notrack users list` shows them")
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a new password for an account.")
        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "The username whose password changes.") var username: String
        @Flag(help: "Read the password from standard input instead of prompting.") var passwordStdin = false

        func run() async throws {
            let configuration = try options.loadOrExit()
            let store = try UserAdministration.store(configuration)
            guard try await store.find(username: username) != nil else {
                throw UserAdministration.failure("no account named \(username); `notrack users list` shows them")
            }
            let hash = try await UserAdministration.newPasswordHash(configuration, fromStandardInput: passwordStdin)
            try await store.updatePassword(username: username, passwordHash: hash)
            print("password changed for \(username)")
        }
    }
}

/// What the `users` subcommands share.
enum UserAdministration {
    static func store(_ configuration: ApplianceConfiguration) throws -> AccountStore {
        do {
            return try AccountStore(directory: configuration.dataDirectory)
        } catch {
            throw failure("cannot open the accounts database in \(configuration.dataDirectory): \(error); run as the service user or root")
        }
    }

    /// Reads a new password, holds it to the registration rules and hashes it.
    static func newPasswordHash(_ configuration: ApplianceConfiguration, fromStandardInput: Bool) async throws -> String {
        let password = try PasswordInput.read(fromStandardInput: fromStandardInput, confirm: true)
        try check(RegistrationRules.passwordProblems(password))
        return try await PasswordHasher(cost: UInt8(configuration.bcryptCost)).hash(password)
    }

    static func check(_ problems: [String]) throws {
        guard problems.isEmpty else { throw failure(problems.joined(separator: "; ")) }
    }

    static func failure(_ message: String) -> CommandFailure {
        CommandFailure(message)
    }
}
