import Relay
import Testing

@testable import Appliance

/// What the relay advertises when it listens on a wildcard: `relay.publicAddress`, else this
/// machine's primary address, with a warning when that one is private or missing. A fresh
/// install must start without being told its address (docs/relay.md).
@Suite struct RelayPublicAddressTests {
    static let secret = ["JWT_SECRET": String(repeating: "s", count: 40)]

    static func host(_ addresses: [(String, String)], route: [String] = []) -> HostAddresses {
        HostAddresses(
            interfaces: addresses.map { .init(interface: $0.0, address: IPAddress($0.1)!, isUp: true, isLoopback: false) },
            defaultRouteSources: route.map { IPAddress($0)! })
    }

    func load(_ environment: [String: String], host: HostAddresses) throws -> ApplianceConfiguration {
        try ConfigurationLoader(
            sources: .init(environment: Self.secret.merging(environment) { _, new in new }), workingDirectory: "/tmp",
            hostAddresses: { host }
        ).load().get()
    }

    static let wildcard = ["NOTRACK_RELAY_LISTEN_ADDRESSES": "0.0.0.0"]

    @Test func aWildcardListenerAdvertisesThePrimaryAddress() throws {
        let configuration = try load(Self.wildcard, host: Self.host([("eth0", "1.2.3.20")], route: ["1.2.3.20"]))
        #expect(configuration.relay.publicAddresses == [IPAddress("1.2.3.20")!])
        #expect(configuration.relay.advertisedAddresses == [IPAddress("1.2.3.20")!])
        #expect(configuration.warnings.isEmpty)
        let entry = try #require(configuration.report.first { $0.key == "relay.publicAddress" })
        #expect(entry.value == "1.2.3.20 (on eth0)")
        #expect(entry.origin == .detected)
        #expect(configuration.relayPublicAddress == nil, "ICE servers keep naming the host clients used")
    }

    @Test func aPrivatePrimaryAddressIsAdvertisedWithAWarning() throws {
        let configuration = try load(Self.wildcard, host: Self.host([("eth0", "192.168.1.10")], route: ["192.168.1.10"]))
        #expect(configuration.relay.publicAddresses == [IPAddress("192.168.1.10")!])
        let warning = try #require(configuration.warnings.first)
        #expect(warning.key == "relay.publicAddress")
        #expect(warning.message.contains("192.168.1.10"))
        #expect(warning.message.contains("private (RFC 1918)"))
        #expect(warning.message.contains("NOTRACK_RELAY_PUBLIC_ADDRESS"))
    }

    @Test func noAddressAtAllStillStartsAndSaysWhy() throws {
        let configuration = try load(Self.wildcard, host: Self.host([]))
        #expect(configuration.relay.advertisedAddresses.isEmpty)
        let warning = try #require(configuration.warnings.first)
        #expect(warning.message.contains("no IPv4 address"))
        #expect(warning.message.contains("relay.publicAddress"))
        #expect(configuration.report.first { $0.key == "relay.publicAddress" }?.origin == .defaulted)
    }

    @Test func aConfiguredPublicAddressIsNeverSecondGuessed() throws {
        let configuration = try ConfigurationLoader(
            sources: .init(environment: Self.secret.merging(Self.wildcard) { _, new in new }
                .merging(["NOTRACK_RELAY_PUBLIC_ADDRESS": "203.0.113.7"]) { _, new in new }),
            workingDirectory: "/tmp",
            hostAddresses: {
                Issue.record("the machine's addresses were read although relay.publicAddress is set")
                return HostAddresses(interfaces: [], defaultRouteSources: [])
            }
        ).load().get()
        #expect(configuration.relay.publicAddresses == [IPAddress("203.0.113.7")!])
        #expect(configuration.warnings.isEmpty)
        #expect(configuration.report.first { $0.key == "relay.publicAddress" }?.origin == .environment("NOTRACK_RELAY_PUBLIC_ADDRESS"))
    }

    @Test(arguments: [["NOTRACK_RELAY_LISTEN_ADDRESSES": "127.0.0.1"], ["NOTRACK_RELAY_LISTEN_ADDRESSES": "0.0.0.0", "NOTRACK_RELAY_ENABLED": "false"]])
    func nothingIsDetectedWithoutAnEnabledWildcardListener(environment: [String: String]) throws {
        let configuration = try ConfigurationLoader(
            sources: .init(environment: Self.secret.merging(environment) { _, new in new }), workingDirectory: "/tmp",
            hostAddresses: {
                Issue.record("the machine's addresses were read without a wildcard relay listener")
                return HostAddresses(interfaces: [], defaultRouteSources: [])
            }
        ).load().get()
        #expect(configuration.relay.publicAddresses.isEmpty)
        #expect(configuration.warnings.isEmpty)
    }

    @Test func eachWildcardFamilyWithoutAPublicAddressIsDetected() throws {
        let configuration = try load(
            ["NOTRACK_RELAY_LISTEN_ADDRESSES": "0.0.0.0,::", "NOTRACK_RELAY_PUBLIC_ADDRESS": "203.0.113.7"],
            host: Self.host([("eth1", "2a00:1450::20"), ("eth1", "1.2.3.20")]))
        #expect(configuration.relay.publicAddresses == [IPAddress("203.0.113.7")!, IPAddress("2a00:1450::20")!])
        #expect(configuration.report.first { $0.key == "relay.publicAddress" }?.value == "203.0.113.7, detected 2a00:1450::20 (on eth1)")
    }

    @Test func portsBelow1024AreTheOnesThatNeedACapability() throws {
        let host = Self.host([("eth0", "1.2.3.20")])
        #expect(try load([:], host: host).privilegedPorts.isEmpty)
        let web = try load(["PORT": "443", "NOTRACK_RELAY_PORT": "80"], host: host)
        #expect(web.privilegedPorts.map(\.key) == ["http.port", "relay.port"])
        #expect(web.privilegedPorts.map(\.port) == [443, 80])
        let relayOff = try load(["NOTRACK_RELAY_PORT": "80", "NOTRACK_RELAY_ENABLED": "false"], host: host)
        #expect(relayOff.privilegedPorts.isEmpty)
    }

    /// The realm goes to anyone who asks: not the host's name, and short enough that the
    /// 401 stays within three times the smallest Allocate (docs/relay.md "Security").
    @Test func theRealmIsShortAndNotTheHostsName() throws {
        let host = Self.host([("eth0", "1.2.3.20")])
        #expect(try load([:], host: host).relay.realm == "notrack")
        let long = try load(["NOTRACK_RELAY_REALM": "phone.office.example.com"], host: host)
        let warning = try #require(long.warnings.first { $0.key == "relay.realm" })
        #expect(warning.message.contains("three times"))
        #expect(try load(["NOTRACK_RELAY_REALM": "office42"], host: host).warnings.isEmpty)
    }

    /// `HOST` moves the API; unless told otherwise the relay follows, so that the TURN
    /// servers clients get are ones they can reach.
    @Test func theRelayListensWhereTheAPIDoesUnlessTold() throws {
        let host = Self.host([("eth0", "1.2.3.20")], route: ["1.2.3.20"])
        #expect(try load(["HOST": "1.2.3.20"], host: host).relay.listenAddresses == ["1.2.3.20"])
        #expect(try load(["HOST": "::"], host: host).relay.listenAddresses == ["0.0.0.0", "::"])
        #expect(try load([:], host: host).relay.listenAddresses == ["127.0.0.1"])
        let told = try load(["HOST": "1.2.3.20", "NOTRACK_RELAY_LISTEN_ADDRESSES": "127.0.0.1"], host: host)
        #expect(told.relay.listenAddresses == ["127.0.0.1"])
        let warning = try #require(told.warnings.first { $0.key == "relay.listenAddresses" })
        #expect(warning.message.contains("cannot reach"))
        #expect(try load(["NOTRACK_RELAY_LISTEN_ADDRESSES": "127.0.0.1"], host: host).warnings.isEmpty)
    }
}
