import Testing
@testable import Relay

@Suite struct ConnectionQuotaTests {
    /// Admits one connection from each host in turn: which were let in.
    static func admit(_ hosts: [String], into quota: inout ConnectionQuota) -> [Bool] {
        hosts.map { quota.admit(IPAddress($0)!) }
    }

    @Test func capsEachAddressAndTheTotal() {
        var quota = ConnectionQuota(maximumPerAddress: 2, maximum: 3)
        let (a, b, c) = ("198.51.100.1", "198.51.100.2", "198.51.100.3")
        #expect(Self.admit([a, a, a, b, c], into: &quota) == [true, true, false, true, false])
        quota.release(IPAddress(a)!)
        #expect(Self.admit([c], into: &quota) == [true])
        #expect(quota.total == 3)
        quota.release(IPAddress("203.0.113.9")!)  // never admitted: no effect
        #expect(quota.total == 3)
    }

    /// One host usually owns a whole /64 and can pick any address in it.
    @Test func countsIPv6ClientsByTheirSlash64() {
        var quota = ConnectionQuota(maximumPerAddress: 2, maximum: 100)
        let hosts = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2::abcd", "2001:db8:1:3::1"]
        #expect(Self.admit(hosts, into: &quota) == [true, true, false, true])
        quota.release(IPAddress("2001:db8:1:2:dead::1")!)
        #expect(quota.count(for: IPAddress("2001:db8:1:2::")!) == 1)
    }
}
