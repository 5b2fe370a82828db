import Foundation

/// The server under test, from `--url http://HOST:PORT` (plain HTTP: a benchmark on loopback).
struct ServerAddress: Sendable, CustomStringConvertible {
    let host: String
    let port: Int

    init(url: String) throws {
        guard let parts = URLComponents(string: url), parts.scheme == "http", let host = parts.host, !host.isEmpty else {
            throw LoadClientError("--url \(url): expected http://HOST:PORT")
        }
        guard parts.path.isEmpty || parts.path == "/", parts.query == nil else {
            throw LoadClientError("--url \(url): give the server's root (the Socket.IO path is --path)")
        }
        self.host = host
        self.port = parts.port ?? 80
    }

    var description: String { "\(host):\(port)" }
}
