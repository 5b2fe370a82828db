import Foundation
import Testing
@testable import Relay

@Suite struct RelayingTests {
    static let peer = address("8.8.8.8", 4000)

    static func sendIndication(to peer: TransportAddress, _ payload: [UInt8], dontFragment: Bool = false) -> [UInt8] {
        STUNMessage(type: STUNMessageType(method: .send, messageClass: .indication), transactionID: .random(),
                    attributes: [.xorPeerAddress(peer), .data(payload)] + (dontFragment ? [.dontFragment] : [])).encode()
    }

    @Test func sendAndDataIndications() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        let (_, relayed) = try harness.allocate(&client)
        #expect(harness.send(Self.sendIndication(to: Self.peer, [1, 2, 3]), from: client.fiveTuple) == [.drop(.noPermission)])
        #expect(harness.server.routePeerData(from: Self.peer, to: relayed, length: 3, now: harness.now) == .drop(.noPermission))

        _ = harness.send(harness.signed(.createPermission, [.xorPeerAddress(Self.peer)], client: client), from: client.fiveTuple)
        #expect(harness.send(Self.sendIndication(to: Self.peer, [1, 2, 3], dontFragment: true), from: client.fiveTuple)
            == [.sendToPeer(from: relayed, to: Self.peer, payload: [1, 2, 3], dontFragment: true)])
        // Permissions ignore the peer's port (RFC 8656 §9).
        let otherPort = TransportAddress(ip: Self.peer.ip, port: 9)
        #expect(harness.server.routePeerData(from: otherPort, to: relayed, length: 3, now: harness.now)
            == .dataIndication(to: client.fiveTuple))
        let indication = try STUNMessage(decoding: TURNServer.dataIndication(from: otherPort, payload: [7, 8]))
        #expect(indication.type == STUNMessageType(method: .data, messageClass: .indication))
        #expect(indication.attributes == [.xorPeerAddress(otherPort), .data([7, 8])])

        #expect(harness.send(Self.sendIndication(to: address("2001:4860::1", 1), [1]), from: client.fiveTuple)
            == [.drop(.peerFamilyMismatch)])
        #expect(harness.send(Self.sendIndication(to: Self.peer, [1]), from: TURNTestHarness.client(port: 1))
            == [.drop(.noAllocation)])
        let noData = STUNMessage(type: STUNMessageType(method: .send, messageClass: .indication),
                                 transactionID: .random(), attributes: [.xorPeerAddress(Self.peer)]).encode()
        #expect(harness.send(noData, from: client.fiveTuple) == [.drop(.malformed)])
    }

    @Test func channelDataBothWays() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        let (_, relayed) = try harness.allocate(&client)
        #expect(harness.server.routeChannelData(channel: 0x4000, length: 10, from: client.fiveTuple, now: harness.now)
            == .drop(.noChannel))
        _ = harness.send(harness.signed(.channelBind, [.channelNumber(0x4000), .xorPeerAddress(Self.peer)], client: client),
                         from: client.fiveTuple)
        #expect(harness.server.routeChannelData(channel: 0x4000, length: 10, from: client.fiveTuple, now: harness.now)
            == .toPeer(from: relayed, to: Self.peer, dontFragment: false))
        #expect(harness.server.routePeerData(from: Self.peer, to: relayed, length: 10, now: harness.now)
            == .channelData(to: client.fiveTuple, channel: 0x4000))
        #expect(harness.server.routeChannelData(channel: 0x4000, length: 10, from: TURNTestHarness.client(port: 2),
                                                now: harness.now) == .drop(.noAllocation))
        // The permission lapses at 300 s unless refreshed; the channel lives on.
        harness.advance(300)
        #expect(harness.server.routeChannelData(channel: 0x4000, length: 10, from: client.fiveTuple, now: harness.now)
            == .drop(.noPermission))
        #expect(harness.server.routePeerData(from: Self.peer, to: relayed, length: 10, now: harness.now)
            == .drop(.noPermission))
        #expect(harness.server.routePeerData(from: Self.peer, to: address("10.0.0.10", 1), length: 1, now: harness.now)
            == .drop(.noAllocation))
    }

    @Test func bandwidthCapDropsExcess() throws {
        var harness = TURNTestHarness { $0.bandwidthLimit = 1000 }
        var client = harness.makeClient()
        try harness.allocate(&client)
        _ = harness.send(harness.signed(.channelBind, [.channelNumber(0x4000), .xorPeerAddress(Self.peer)], client: client),
                         from: client.fiveTuple)
        func route(_ length: Int) -> ChannelDataRoute {
            harness.server.routeChannelData(channel: 0x4000, length: length, from: client.fiveTuple, now: harness.now)
        }
        #expect(route(600) != .drop(.bandwidthExceeded))
        #expect(route(600) == .drop(.bandwidthExceeded))
        harness.advance(0.5)
        #expect(route(600) != .drop(.bandwidthExceeded))
    }
}

@Suite struct BindingAndGarbageTests {
    @Test func bindingAnswersWithoutCredentials() throws {
        var harness = TURNTestHarness()
        let client = TURNTestHarness.client("2001:db8::77", port: 40000, transport: .tcp)
        let request = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request),
                                  transactionID: .random()).encode(fingerprint: true)
        let actions = harness.send(request, from: client)
        let response = try TURNTestHarness.reply(actions)
        #expect(response.message.attributes == [.xorMappedAddress(client.client)])
        #expect(response.hasFingerprint)
        guard case .reply(_, let bytes)? = actions.first else { return }
        #expect(bytes.count <= 2 * request.count)  // no amplification

        let plain = TURNTestHarness.unsigned(.binding)
        #expect(try TURNTestHarness.reply(harness.send(plain, from: client)).hasFingerprint == false)
        let unknown = TURNTestHarness.unsigned(.binding, [.unknown(type: STUNAttributeType(rawValue: 0x0033), value: [])])
        #expect(try TURNTestHarness.errorCode(harness.send(unknown, from: client)) == 420)
    }

    @Test func garbageIsDroppedAndServerKeepsAnswering() throws {
        var harness = TURNTestHarness()
        let client = TURNTestHarness.client()
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let count = Int.random(in: 0...64, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for action in harness.send(bytes, from: client) {
                if case .bindRelay = action { Issue.record("garbage allocated a relay") }
            }
        }
        #expect(try TURNTestHarness.reply(harness.send(TURNTestHarness.unsigned(.binding), from: client))
            .message.messageClass == .successResponse)
    }

    @Test func malformedAttributeInRequestGets400AndResponsesAreIgnored() throws {
        var harness = TURNTestHarness()
        let client = TURNTestHarness.client()
        var bytes = TURNTestHarness.unsigned(.allocate, [.lifetime(5)])
        bytes[23] = 3  // LIFETIME length 3: malformed but still framed
        bytes[3] = 8
        #expect(try TURNTestHarness.errorCode(harness.send(bytes, from: client)) == 400)
        let response = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .successResponse),
                                   transactionID: .random()).encode()
        #expect(harness.send(response, from: client) == [.drop(.notARequest)])
        #expect(try TURNTestHarness.errorCode(harness.send(TURNTestHarness.unsigned(STUNMethod(rawValue: 0x0AB)),
                                                           from: client)) == 400)
        let dataIndication = STUNMessage(type: STUNMessageType(method: .data, messageClass: .indication),
                                         transactionID: .random()).encode()
        #expect(harness.send(dataIndication, from: client) == [.drop(.unexpectedIndication)])
    }
}

@Suite struct StatisticsTests {
    @Test func countsOutcomesForMetrics() throws {
        var harness = TURNTestHarness()
        var client = harness.makeClient()
        let (_, relayed) = try harness.allocate(&client)
        var wrong = client
        wrong.password = "nope"
        _ = harness.send(harness.signed(.refresh, [], client: wrong), from: client.fiveTuple)
        _ = harness.send(harness.signed(.channelBind, [.channelNumber(0x4000), .xorPeerAddress(RelayingTests.peer)],
                                        client: client), from: client.fiveTuple)
        _ = harness.server.routeChannelData(channel: 0x4000, length: 100, from: client.fiveTuple, now: harness.now)
        _ = harness.server.routePeerData(from: RelayingTests.peer, to: relayed, length: 40, now: harness.now)
        _ = harness.server.routePeerData(from: address("1.1.1.1", 1), to: relayed, length: 40, now: harness.now)
        _ = harness.send([0xFF, 0xFF], from: client.fiveTuple)
        let statistics = harness.server.statistics
        #expect(statistics.allocationsCreated == 1)
        #expect(statistics.authFailures == [.challenged: 1, .wrongPassword: 1])
        #expect(statistics.clientToPeerPackets == 1 && statistics.clientToPeerBytes == 100)
        #expect(statistics.peerToClientPackets == 1 && statistics.peerToClientBytes == 40)
        #expect(statistics.drops == [.noPermission: 1, .malformed: 1])
    }
}
