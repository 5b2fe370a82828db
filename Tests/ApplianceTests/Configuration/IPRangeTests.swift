import Testing

@testable import Appliance

@Suite struct IPRangeTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("172.16.0.0/12", "172.31.255.255", true),
        ("172.16.0.0/12", "172.32.0.1", false),
        ("192.0.2.7", "192.0.2.7", true),
        ("192.0.2.7", "192.0.2.8", false),
        ("fc00::/7", "fd12:3456::1", true),
        ("fc00::/7", "2001:db8::1", false),
        ("127.0.0.0/8", "::ffff:127.0.0.1", true),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("::/0", "203.0.113.9", false),
    ])
    func membership(range: String, address: String, expected: Bool) throws {
        let parsed = try #require(IPRange(range))
        #expect(parsed.contains(address: address) == expected)
    }

    @Test(arguments: ["", "10.0.0.0/", "10.0.0.0/33", "::/129", "example.com", "10.0.0/8", "1.2.3.4/-1", "1.2.3.4/8/8"])
    func rejectsMalformedRanges(text: String) {
        #expect(IPRange(text) == nil)
    }

    @Test func normalisesTheNetworkAddress() {
        #expect(IPRange("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(IPRange("2001:db8::1/32")?.description == "2001:db8::/32")
    }
}
