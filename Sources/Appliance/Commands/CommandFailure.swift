/// A command that could not do its job, with what to do about it. ArgumentParser prints it
/// as `Error: <message>` and exits 1, without the usage text a mistyped flag gets.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
