import Foundation

/// The address a request really came from, for rate limits and logs.
///
/// `X-Forwarded-For` is believed only from trusted proxies: walking the list from the right
/// (the hop nearest to us), each address is the client unless the hop that reported it is
/// a trusted proxy. A client cannot forge its way past a limit by sending the header itself.
enum ClientAddress {
    static func resolve(peer: String?, forwardedFor: String?, isTrustedProxy: (String) -> Bool) -> String {
        guard var current = peer else { return "unknown" }
        guard let forwardedFor else { return current }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() {
            guard isTrustedProxy(current) else { return current }
            current = hop
        }
        return current
    }
}
