import Relay
import Testing

@testable import Appliance

/// The URLs the start-up log offers an operator.
@Suite struct ServedURLsTests {
    let host = HostAddresses(
        interfaces: [
            .init(interface: "eth0", address: IPAddress("192.168.1.10")!, isUp: true, isLoopback: false),
            .init(interface: "eth0", address: IPAddress("2001:db8::10")!, isUp: true, isLoopback: false),
        ],
        defaultRouteSources: [])

    @Test func aWildcardListenerIsNamedByLoopbackAndThePrimaryAddress() {
        let urls = ServedURLs(boundIP: IPAddress("0.0.0.0")!, port: 3000, host: host)
        #expect(urls.bound == "http://0.0.0.0:3000")
        #expect(urls.reachable == ["http://127.0.0.1:3000", "http://192.168.1.10:3000"])
        #expect(urls.preferred == "http://192.168.1.10:3000")
    }

    @Test func theIPv6WildcardServesBothFamilies() {
        let urls = ServedURLs(boundIP: IPAddress("::")!, port: 8080, host: host)
        #expect(urls.reachable == ["http://127.0.0.1:8080", "http://[::1]:8080", "http://192.168.1.10:8080", "http://[2001:db8::10]:8080"])
    }

    @Test func aSpecificAddressIsItsOwnURL() {
        let urls = ServedURLs(boundIP: IPAddress("127.0.0.1")!, port: 3000, host: host)
        #expect(urls.reachable == ["http://127.0.0.1:3000"])
        #expect(urls.preferred == "http://127.0.0.1:3000")
    }

    @Test func aMachineWithOnlyLoopbackPrefersLoopback() {
        let urls = ServedURLs(boundIP: IPAddress("0.0.0.0")!, port: 3000, host: HostAddresses(interfaces: [], defaultRouteSources: []))
        #expect(urls.reachable == ["http://127.0.0.1:3000"])
        #expect(urls.preferred == "http://127.0.0.1:3000")
    }
}
