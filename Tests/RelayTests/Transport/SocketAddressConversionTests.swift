import NIOCore
import Testing
@testable import Relay

@Suite struct SocketAddressConversionTests {
    @Test(arguments: ["192.0.2.1", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::7", "fe80::1:2:3:4", "::ffff:10.0.0.1"])
    func roundTripsThroughSockaddr(text: String) throws {
        let address = TransportAddress(ip: try #require(IPAddress(text)), port: 54321)
        let socketAddress = SocketAddress(address)
        #expect(TransportAddress(socketAddress) == address)
        let parsed = try SocketAddress(ipAddress: text, port: 54321)
        #expect(TransportAddress(parsed) == address)
    }

    @Test func unixSocketsHaveNoTransportAddress() throws {
        #expect(TransportAddress(try SocketAddress(unixDomainSocketPath: "/tmp/x")) == nil)
    }
}
