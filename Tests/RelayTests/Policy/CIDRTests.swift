import Testing
@testable import Relay

@Suite struct CIDRTests {
    @Test func parsesBothFamilies() throws {
        let v4 = try CIDR("10.0.0.0/8")
        #expect(v4.prefixLength == 8)
        #expect(v4.contains(IPAddress("10.255.1.2")!))
        #expect(!v4.contains(IPAddress("11.0.0.1")!))
        #expect(!v4.contains(IPAddress("::ffff:10.0.0.1")!))
        let v6 = try CIDR(" fd00::/8 ")
        #expect(v6.contains(IPAddress("fd12:3456::1")!))
        #expect(!v6.contains(IPAddress("fe00::1")!))
        #expect(try CIDR("192.0.2.7").prefixLength == 32)
        #expect(try CIDR("2001:db8::1").prefixLength == 128)
        #expect(try CIDR("0.0.0.0/0").contains(IPAddress("8.8.8.8")!))
        #expect(try CIDR("::/0").contains(IPAddress("2001:db8::1")!))
        #expect(try CIDR("2001:db8:0:0:8000::/65").contains(IPAddress("2001:db8::ffff:0:0:1")!))
        #expect(try !CIDR("2001:db8:0:0:8000::/65").contains(IPAddress("2001:db8::7fff:0:0:1")!))
        #expect(v6.description == "fd00::/8")
    }

    @Test func reportsClearErrors() {
        #expect(throws: CIDR.ParseError.invalidAddress("10.0.0")) { try CIDR("10.0.0/8") }
        #expect(throws: CIDR.ParseError.invalidAddress("")) { try CIDR("/8") }
        #expect(throws: CIDR.ParseError.invalidPrefixLength("33")) { try CIDR("10.0.0.0/33") }
        #expect(throws: CIDR.ParseError.invalidPrefixLength("")) { try CIDR("10.0.0.0/") }
        #expect(throws: CIDR.ParseError.invalidPrefixLength("-1")) { try CIDR("10.0.0.0/-1") }
        #expect(throws: CIDR.ParseError.invalidPrefixLength("129")) { try CIDR("::/129") }
        #expect(throws: CIDR.ParseError.hostBitsSet(suggestion: "10.0.0.0/8")) { try CIDR("10.0.0.1/8") }
        #expect(throws: CIDR.ParseError.hostBitsSet(suggestion: "fd00::/8")) { try CIDR("fd00::1/8") }
        #expect("\(CIDR.ParseError.hostBitsSet(suggestion: "10.0.0.0/8"))".contains("did you mean 10.0.0.0/8"))
    }

    @Test func builtInTableParses() {
        #expect(PeerAddressCategory.table.count > 20)
    }
}
