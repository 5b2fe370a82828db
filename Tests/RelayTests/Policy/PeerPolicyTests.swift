import Testing
@testable import Relay

@Suite struct PeerPolicyTests {
    let policy = PeerPolicy()

    @Test(arguments: [
        ("0.0.0.0", PeerAddressCategory.unspecified), ("0.1.2.3", .unspecified),
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback),
        ("10.1.2.3", .privateUse), ("172.16.0.1", .privateUse), ("172.31.255.255", .privateUse),
        ("192.168.1.1", .privateUse), ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("169.254.169.254", .linkLocal), ("224.0.0.1", .multicast), ("239.255.255.250", .multicast),
        ("240.0.0.1", .reserved), ("255.255.255.255", .reserved), ("192.0.2.1", .documentation),
        ("198.51.100.1", .documentation), ("203.0.113.9", .documentation), ("198.18.0.1", .benchmarking),
        ("192.0.0.8", .protocolAssignments),
        ("::", .unspecified), ("::1", .loopback), ("fc00::1", .uniqueLocal), ("fd12::1", .uniqueLocal),
        ("fe80::1", .linkLocal), ("ff02::1", .multicast), ("2001:db8::1", .documentation),
        // IPv4 embedded in IPv6 is judged by the IPv4 address.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:10.0.0.1", .privateUse), ("::ffff:169.254.169.254", .linkLocal),
        ("::127.0.0.1", .loopback), ("64:ff9b::192.168.0.1", .privateUse), ("2002:7f00:1::", .loopback),
        ("2002:a9fe:a9fe::1", .linkLocal), ("::ffff:0.0.0.0", .unspecified),
    ])
    func deniesSpecialPurposeAddresses(text: String, category: PeerAddressCategory) {
        #expect(policy.verdict(for: IPAddress(text)!) == .denied(category))
    }

    @Test(arguments: [
        "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.32.0.1", "169.253.255.255",
        "2606:4700::1111", "2a00:1450::1", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1",
    ])
    func allowsPublicUnicast(text: String) {
        #expect(policy.verdict(for: IPAddress(text)!) == .allowed)
    }

    @Test func allowListOverridesDenial() throws {
        let office = PeerPolicy(allowedNetworks: [try CIDR("192.168.1.0/24"), try CIDR("fd00::/8")])
        #expect(office.permits(IPAddress("192.168.1.20")!))
        #expect(office.permits(IPAddress("::ffff:192.168.1.20")!))
        #expect(office.permits(IPAddress("fd00::20")!))
        #expect(!office.permits(IPAddress("192.168.2.20")!))
        #expect(!office.permits(IPAddress("127.0.0.1")!))
    }

    @Test func loopbackSwitch() {
        let testing = PeerPolicy(allowLoopback: true)
        #expect(testing.permits(IPAddress("127.0.0.1")!))
        #expect(testing.permits(IPAddress("::1")!))
        #expect(testing.permits(IPAddress("::ffff:127.0.0.1")!))
        #expect(!testing.permits(IPAddress("10.0.0.1")!))
    }

    @Test func ownRelayAddressesAreAlwaysAllowed() {
        let behindNAT = PeerPolicy(relayAddresses: [IPAddress("10.0.0.5")!, IPAddress("203.0.113.1")!])
        #expect(behindNAT.permits(IPAddress("10.0.0.5")!))
        #expect(behindNAT.permits(IPAddress("203.0.113.1")!))
        #expect(behindNAT.permits(IPAddress("::ffff:10.0.0.5")!))
        #expect(!behindNAT.permits(IPAddress("10.0.0.6")!))
    }
}
