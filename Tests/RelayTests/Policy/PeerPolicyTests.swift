import Testing
@testable import Relay

@Suite struct PeerPolicyTests {
    let policy = PeerPolicy()

    /// A peer at `host`, on a port outside the default relay range unless given.
    static func peer(_ host: String, _ port: UInt16 = 5000) -> TransportAddress {
        TransportAddress(ip: IPAddress(host)!, port: port)
    }

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
        ("::127.0.0.1", .loopback), ("64:ff9b::192.168.0.1", .privateUse), ("64:ff9b::7f00:1", .loopback),
        ("2002:7f00:1::", .loopback), ("2002:a9fe:a9fe::1", .linkLocal), ("::ffff:0.0.0.0", .unspecified),
        // SIIT's IPv4-translated form (RFC 2765 §2.1).
        ("::ffff:0:127.0.0.1", .loopback), ("::ffff:0:10.0.0.1", .privateUse), ("::ffff:0:169.254.169.254", .linkLocal),
    ])
    func deniesSpecialPurposeAddresses(text: String, category: PeerAddressCategory) {
        #expect(policy.verdict(for: Self.peer(text)) == .denied(category))
    }

    @Test(arguments: [
        "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.32.0.1", "169.253.255.255",
        "2606:4700::1111", "2a00:1450::1", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1",
        "::ffff:0:8.8.8.8",
    ])
    func allowsPublicUnicast(text: String) {
        #expect(policy.verdict(for: Self.peer(text)) == .allowed)
    }

    @Test func allowListOverridesDenial() throws {
        let office = PeerPolicy(allowedNetworks: [try CIDR("192.168.1.0/24"), try CIDR("fd00::/8")])
        #expect(office.permits(Self.peer("192.168.1.20")))
        #expect(office.permits(Self.peer("::ffff:192.168.1.20")))
        #expect(office.permits(Self.peer("fd00::20")))
        #expect(!office.permits(Self.peer("192.168.2.20")))
        #expect(!office.permits(Self.peer("127.0.0.1")))
    }

    @Test func loopbackSwitch() {
        let testing = PeerPolicy(allowLoopback: true)
        #expect(testing.permits(Self.peer("127.0.0.1")))
        #expect(testing.permits(Self.peer("::1")))
        #expect(testing.permits(Self.peer("::ffff:127.0.0.1")))
        #expect(testing.permits(Self.peer("::ffff:0:127.0.0.1")))
        #expect(!testing.permits(Self.peer("10.0.0.1")))
    }

    @Test func ownRelayAddressesAreAllowedOnRelayedPortsOnly() {
        let behindNAT = PeerPolicy(relayAddresses: [IPAddress("10.0.0.5")!, IPAddress("8.8.4.4")!])
        // Another allocation of this box: the relay-to-relay call.
        #expect(behindNAT.permits(Self.peer("10.0.0.5", 49152)))
        #expect(behindNAT.permits(Self.peer("8.8.4.4", 65535)))
        #expect(behindNAT.permits(Self.peer("::ffff:10.0.0.5", 50000)))
        // The box's own services, whatever form the address takes.
        for port: UInt16 in [53, 111, 161, 3478, 5353, 49151] {
            #expect(behindNAT.verdict(for: Self.peer("8.8.4.4", port)) == .denied(.applianceService))
            #expect(behindNAT.verdict(for: Self.peer("::ffff:8.8.4.4", port)) == .denied(.applianceService))
            #expect(behindNAT.verdict(for: Self.peer("::ffff:0:8.8.4.4", port)) == .denied(.applianceService))
            #expect(behindNAT.verdict(for: Self.peer("10.0.0.5", port)) == .denied(.applianceService))
        }
        #expect(!behindNAT.permits(Self.peer("10.0.0.6", 50000)))
    }

    @Test func anAllowListDoesNotOpenTheAppliancesOwnServices() throws {
        let gateway = PeerPolicy(
            allowedNetworks: [try CIDR("192.168.1.0/24")], relayAddresses: [IPAddress("192.168.1.1")!],
            relayPorts: 40000...40999)
        #expect(gateway.permits(Self.peer("192.168.1.20", 53)))
        #expect(gateway.permits(Self.peer("192.168.1.1", 40000)))
        #expect(gateway.verdict(for: Self.peer("192.168.1.1", 53)) == .denied(.applianceService))
        #expect(gateway.verdict(for: Self.peer("192.168.1.1", 49152)) == .denied(.applianceService))
    }
}
