import Testing

@testable import Signal

@Suite struct EngineIOPacketTests {
    @Test(arguments: [
        ("0{\"sid\":\"x\"}", EngineIOPacket.open("{\"sid\":\"x\"}")),
        ("1", .close),
        ("2", .ping("")),
        ("2probe", .ping("probe")),
        ("3probe", .pong("probe")),
        ("4hello", .message(.text("hello"))),
        ("4", .message(.text(""))),
        ("4€ and 😀", .message(.text("€ and 😀"))),
        ("5", .upgrade),
        ("6", .noop),
    ])
    func decodesTextPackets(text: String, packet: EngineIOPacket) throws {
        #expect(try EngineIOPacket.decode(text: text) == packet)
    }

    @Test(arguments: ["abc", "7", "9x", "b", "-1", " 4"])
    func refusesUnknownTypes(text: String) {
        #expect(throws: EngineIOPacketError.self) { try EngineIOPacket.decode(text: text) }
    }

    @Test func refusesEmptyPacket() {
        #expect(throws: EngineIOPacketError.empty) { try EngineIOPacket.decode(text: "") }
    }

    @Test func binaryFramesAreMessages() {
        #expect(EngineIOPacket.decode(binary: [1, 2, 3, 4]) == .message(.binary([1, 2, 3, 4])))
        #expect(EngineIOPacket.decode(binary: []) == .message(.binary([])))
    }

    @Test func webSocketFrames() {
        #expect(EngineIOPacket.message(.binary([1, 2])).webSocketFrame == .binary([1, 2]))
        #expect(EngineIOPacket.message(.text("hi")).webSocketFrame == .text("4hi"))
        #expect(EngineIOPacket.pong("probe").webSocketFrame == .text("3probe"))
        #expect(EngineIOPacket.noop.webSocketFrame == .text("6"))
    }

    @Test func encodedByteCountMatchesText() {
        let packets: [EngineIOPacket] = [
            .open("{}"), .close, .ping(""), .pong("probe"), .message(.text("héllo")),
            .message(.binary([1, 2, 3, 4])), .message(.binary([])), .upgrade, .noop,
        ]
        for packet in packets {
            #expect(packet.encodedByteCount == packet.encodedText.utf8.count)
        }
    }
}

@Suite struct Base64Tests {
    @Test(arguments: [
        ([UInt8](), ""), ([1], "AQ=="), ([1, 2], "AQI="), ([1, 2, 3], "AQID"), ([1, 2, 3, 4], "AQIDBA=="),
        ([0xFF, 0xFE, 0xFD], "//79"),
    ])
    func roundTrips(bytes: [UInt8], text: String) {
        #expect(Base64.encode(bytes) == text)
        #expect(Base64.decode(Array(text.utf8)) == bytes)
    }

    @Test(arguments: ["A", "AQ=", "AQ===", "A===", "AQ=A", "=AQI", "AQ?D", "AQIDBA==AQID", "AQ\u{1}D"])
    func refusesMalformedInput(text: String) {
        #expect(Base64.decode(Array(text.utf8)) == nil)
    }
}
