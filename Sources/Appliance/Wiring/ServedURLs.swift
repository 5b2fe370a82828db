import NIOCore
import Relay

/// The URLs an operator can open once HTTP listens, for the start-up log: a wildcard
/// listener (`0.0.0.0`, `::`) is named by loopback and this machine's primary addresses,
/// since `http://0.0.0.0:3000` is not a place anyone can browse to.
struct ServedURLs: Equatable {
    /// The bound address as a URL (`http://0.0.0.0:3000`).
    var bound: String
    /// Base URLs that reach the listener, loopback first.
    var reachable: [String]

    /// The one to print where a single URL is wanted: the first that is not loopback, as other
    /// machines use it.
    var preferred: String {
        reachable.first { !$0.contains("//127.") && !$0.contains("//[::1]") } ?? reachable.first ?? bound
    }

    init(bound address: SocketAddress?, host: HostAddresses) {
        if let address, let text = address.ipAddress, let ip = IPAddress(text), let port = address.port {
            self.init(boundIP: ip, port: port, host: host)
        } else {
            self.init(url: "http://?", reachable: [])
        }
    }

    init(boundIP ip: IPAddress, port: Int, host: HostAddresses) {
        let url = Self.url(ip, port)
        guard ip.isUnspecified else {
            self.init(url: url, reachable: [url])
            return
        }
        // `::` also accepts IPv4 on Linux (dual stack, bindv6only=0).
        let families: [AddressFamily] = ip.family == .ipv4 ? [.ipv4] : [.ipv4, .ipv6]
        let loopback = families.compactMap { IPAddress($0 == .ipv4 ? "127.0.0.1" : "::1") }
        self.init(url: url, reachable: (loopback + families.compactMap { host.primary($0)?.address }).map { Self.url($0, port) })
    }

    private init(url: String, reachable: [String]) {
        self.bound = url
        self.reachable = reachable
    }

    private static func url(_ ip: IPAddress, _ port: Int) -> String {
        ip.family == .ipv6 ? "http://[\(ip)]:\(port)" : "http://\(ip):\(port)"
    }
}
