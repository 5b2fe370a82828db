import Foundation

/// Reads the one secret from its file and, in development only, generates it once.
///
/// The file holds the secret as text; surrounding whitespace (a trailing newline from
/// `echo` or `base64`) is not part of it.
enum SecretStore {
    enum ReadFailure: Error, Equatable {
        case missing
        case unreadable(String)
    }

    static let minimumLength = 32

    static func read(path: String) -> Result<String, ReadFailure> {
        guard FileManager.default.fileExists(atPath: path) else { return .failure(.missing) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.unreadable("permission denied or not a regular file"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(.unreadable("not UTF-8 text; store the secret base64-encoded"))
        }
        return .success(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Why a secret is too weak to sign tokens, or `nil` when it is fine.
    static func weakness(of secret: String) -> String? {
        let length = secret.utf8.count
        guard length < minimumLength else { return nil }
        return "is \(length) bytes long; use at least \(minimumLength) random bytes, e.g. `head -c 48 /dev/urandom | base64`"
    }

    /// Creates a fresh random secret at `path` (mode 0600, parent directories 0700),
    /// never overwriting an existing file.
    static func generate(path: String) throws -> String {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var bytes = [UInt8](repeating: 0, count: 48)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let secret = Data(bytes).base64EncodedString()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SecretError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let line = Array((secret + "\n").utf8)
        guard write(descriptor, line, line.count) == line.count, fsync(descriptor) == 0 else {
            throw SecretError(path: path, reason: String(cString: strerror(errno)))
        }
        return secret
    }

    struct SecretError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot create the development secret \(path): \(reason)" }
    }
}
