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
    var preferred: String

    init(bound address: SocketAddress?, host: HostAddresses) {
        if let address, let text = address.ipAddress, let ip = IPAddress(text), let port = address.port {
            self.init(boundIP: ip, port: port, host: host)
        } else {
            self.init(bound: "http://?", reachable: [], preferred: "http://?")
        }
    }

    init(boundIP ip: IPAddress, port: Int, host: HostAddresses) {
        var addresses = [ip]
        if ip.isUnspecified {
            // `::` also accepts IPv4 on Linux (dual stack, bindv6only=0).
            let families: [AddressFamily] = ip.family == .ipv4 ? [.ipv4] : [.ipv4, .ipv6]
            let loopback = families.compactMap { IPAddress($0 == .ipv4 ? "127.0.0.1" : "::1") }
            addresses = loopback + families.compactMap { host.primary($0)?.address }
        }
        let url = { (address: IPAddress) in address.family == .ipv6 ? "http://[\(address)]:\(port)" : "http://\(address):\(port)" }
        let preferred = addresses.first { PeerAddressCategory.of($0) != .loopback } ?? addresses.first ?? ip
        self.init(bound: url(ip), reachable: addresses.map(url), preferred: url(preferred))
    }

    private init(bound: String, reachable: [String], preferred: String) {
        self.bound = bound
        self.reachable = reachable
        self.preferred = preferred
    }
}
