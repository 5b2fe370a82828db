import Relay
import Testing

@testable import Appliance

/// Which of the machine's addresses the relay advertises when nobody said.
@Suite struct HostAddressesTests {
    static func interface(_ name: String, _ address: String, up: Bool = true, loopback: Bool = false) -> HostAddresses.InterfaceAddress {
        .init(interface: name, address: IPAddress(address)!, isUp: up, isLoopback: loopback)
    }

    static let office = [
        interface("lo", "127.0.0.1", loopback: true), interface("lo", "::1", loopback: true),
        interface("docker0", "172.17.0.1"), interface("eth0", "192.168.1.10"), interface("eth0", "fe80::1"),
        interface("eth1", "1.2.3.20"), interface("eth1", "2a00:1450::20"),
    ]

    @Test func theDefaultRoutesSourceAddressWins() throws {
        let host = HostAddresses(interfaces: Self.office, defaultRouteSources: [IPAddress("192.168.1.10")!])
        let choice = try #require(host.primary(.ipv4))
        #expect(choice.address == IPAddress("192.168.1.10"))
        #expect(choice.interface == "eth0")
        #expect(choice.category == .privateUse)
        #expect(choice.description == "192.168.1.10 (on eth0, private (RFC 1918) address)")
    }

    @Test func withoutADefaultRouteAGloballyReachableAddressComesFirst() throws {
        let host = HostAddresses(interfaces: Self.office, defaultRouteSources: [])
        #expect(host.primary(.ipv4)?.address == IPAddress("1.2.3.20"))
        #expect(host.primary(.ipv6)?.address == IPAddress("2a00:1450::20"))
    }

    @Test func thenTheFirstUsableInterfaceInKernelOrder() throws {
        let host = HostAddresses(interfaces: Array(Self.office.prefix(5)), defaultRouteSources: [])
        #expect(host.primary(.ipv4)?.address == IPAddress("172.17.0.1"))
    }

    @Test func loopbackLinkLocalAndDownInterfacesAreNeverChosen() {
        let host = HostAddresses(
            interfaces: [
                Self.interface("lo", "127.0.0.1", loopback: true), Self.interface("eth0", "169.254.7.7"),
                Self.interface("eth0", "fe80::7"), Self.interface("eth1", "203.0.113.9", up: false),
            ],
            defaultRouteSources: [IPAddress("127.0.0.1")!])
        #expect(host.primary(.ipv4) == nil)
        #expect(host.primary(.ipv6) == nil)
    }

    @Test func theRouteAloneIsTrustedWhenInterfacesCannotBeListed() {
        // getifaddrs(3) needs netlink, which a sandbox may refuse.
        let host = HostAddresses(interfaces: [], defaultRouteSources: [IPAddress("203.0.113.5")!])
        #expect(host.primary(.ipv4) == .init(address: IPAddress("203.0.113.5")!, interface: nil, category: .documentation))
        #expect(host.primary(.ipv6) == nil)
    }

    @Test func theSystemReaderListsLoopback() {
        // The real kernel: at least lo is there, and nothing it reports is malformed.
        let system = HostAddresses.system()
        #expect(system.interfaces.contains { $0.isLoopback && $0.address == IPAddress("127.0.0.1") })
        #expect(system.primary(.ipv4)?.address != IPAddress("127.0.0.1"))
    }
}
