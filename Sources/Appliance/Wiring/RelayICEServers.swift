import Foundation
import Relay
import Signal

/// Signal's ICE servers, made of the relay's address and freshly minted TURN REST
/// credentials: the one place that knows both sides (DESIGN.md, "One secret").
struct RelayICEServers: ICEServerProvider {
    let minter: TURNCredentialMinter
    /// `relay.publicAddress`; when unset, the host the client reached the appliance by.
    let publicAddress: String?
    let port: Int
    let ttl: Duration
    let enabled: Bool

    func iceServers(for user: ExtensionNumber, host: String?, now: Date) -> ICEConfiguration {
        guard enabled else { return ICEConfiguration(iceServers: [], ttl: 0) }
        let address = publicAddress ?? host ?? "127.0.0.1"
        let authority = (address.contains(":") ? "[\(address)]" : address) + ":\(port)"
        let credential = minter.mint(user: user.rawValue, ttl: ttl, now: now)
        return ICEConfiguration(
            iceServers: [
                ICEServer(urls: ["stun:\(authority)"]),
                ICEServer(
                    urls: ["turn:\(authority)?transport=udp", "turn:\(authority)?transport=tcp"],
                    username: credential.username, credential: credential.credential),
            ],
            ttl: Int(ttl.components.seconds))
    }
}
