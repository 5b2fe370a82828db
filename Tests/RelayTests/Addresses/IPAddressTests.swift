import Testing
@testable import Relay

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("::", "::"),
        ("::1", "::1"),
        ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8::", "2001:db8::"),
        ("::ffff:192.0.2.1", "::ffff:c000:201"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"),
        ("[fe80::1]", "fe80::1"),
        ("64:ff9b::10.0.0.1", "64:ff9b::a00:1"),
    ])
    func parsesAndFormats(text: String, canonical: String) throws {
        let parsed = try #require(IPAddress(text))
        #expect(parsed.description == canonical)
        #expect(IPAddress(canonical) == parsed)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.1.1.1", "1.2.3.-4", "a.b.c.d", "1..2.3",
        ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "1:2:3:4:5:6:7:8::", "::1.2.3",
        "1.2.3.4::", "[::1", "١.٢.٣.٤",
    ])
    func rejectsMalformed(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func bytesRoundTrip() throws {
        let v6 = try #require(IPv6Address("2001:db8:1234:5678:11:2233:4455:6677"))
        #expect(IPv6Address(bytes: v6.bytes) == v6)
        #expect(IPv6Address(bytes: [1, 2, 3]) == nil)
        #expect(IPv4Address(192, 0, 2, 1).bytes == [192, 0, 2, 1])
        #expect(address("2001:db8::1", 80).description == "[2001:db8::1]:80")
        #expect(address("10.1.2.3", 80).description == "10.1.2.3:80")
    }
}
