import Foundation
import NIOCore
import Relay

/// Why the appliance could not start, phrased as what the operator should change.
struct StartupFailure: Error, CustomStringConvertible {
    var description: String

    /// Explains a failed `bind(2)` of a listener configured by `key`.
    static func listener(transport: String, host: String, port: Int, key: String, error: any Error) -> StartupFailure {
        let errno = (error as? IOError)?.errnoCode ?? (error as? RelayServer.BindError)?.errnoCode
        let what = "\(host) port \(port)/\(transport)"
        switch errno {
        case EADDRINUSE:
            return .init(description: "\(what) is already in use by another program; stop it or choose another port (\(key))")
        case EACCES:
            return .init(
                description: "no permission to listen on \(what); use a port above 1023 or grant CAP_NET_BIND_SERVICE (\(key)). The Debian package's service is granted it when the configuration names a port below 1024: run `systemctl daemon-reload`, then restart")
        case EADDRNOTAVAIL:
            return .init(description: "\(host) is not an address of this machine; fix \(key)")
        default:
            return .init(description: "cannot listen on \(what) (\(key)): \(error)")
        }
    }
}
