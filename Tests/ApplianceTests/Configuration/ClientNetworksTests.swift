import Relay
import Testing

@testable import Appliance

@Suite struct ClientNetworksTests {
    let networks = ClientNetworks.loopbackAndPrivate.map { try! CIDR($0) }

    @Test(arguments: [
        ("127.0.0.1", true), ("10.255.1.2", true), ("172.31.255.255", true), ("172.32.0.1", false),
        ("192.168.1.9", true), ("fd12:3456::1", true), ("::1", true), ("2001:db8::1", false),
        ("203.0.113.9", false), ("::ffff:127.0.0.1", true), ("::ffff:203.0.113.9", false), ("not an ip", false),
    ])
    func loopbackAndPrivateMembership(address: String, expected: Bool) {
        #expect(ClientNetworks.contains(networks, address: address) == expected)
    }
}
