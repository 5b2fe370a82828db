import Hummingbird
import NIOCore
import ServiceLifecycle

/// Runs the Hummingbird application as a service, turning a failed bind into a
/// `StartupFailure` that names the port and the key to change.
struct HTTPService<App: ApplicationProtocol>: Service {
    let application: App
    let host: String
    let port: Int

    func run() async throws {
        do {
            try await application.run()
        } catch let error as IOError {
            throw StartupFailure.listener(transport: "tcp", host: host, port: port, key: "http.host/http.port", error: error)
        }
    }
}
