import Testing

@testable import Signal

@Suite struct EngineIOPayloadTests {
    @Test func decodesTheSpecExample() throws {
        let body = Array("4hello\u{1E}2\u{1E}4world".utf8)
        #expect(try EngineIOPayload.decode(body) == [.message(.text("hello")), .ping(""), .message(.text("world"))])
    }

    @Test func decodesBase64Binary() throws {
        let body = Array("4hello\u{1E}bAQIDBA==".utf8)
        #expect(try EngineIOPayload.decode(body) == [.message(.text("hello")), .message(.binary([1, 2, 3, 4]))])
    }

    @Test func encodesTheSpecExamples() {
        #expect(EngineIOPayload.encode([.message(.text("hello")), .message(.binary([1, 2, 3, 4]))]) == "4hello\u{1E}bAQIDBA==")
        #expect(EngineIOPayload.encode([.message(.text("test1")), .message(.text("test2"))]) == "4test1\u{1E}4test2")
        #expect(EngineIOPayload.encode([.noop]) == "6")
    }

    @Test func roundTripsMultibyteText() throws {
        let packets: [EngineIOPacket] = [.message(.text("€")), .message(.text("a\u{1F600}b"))]
        #expect(try EngineIOPayload.decode(Array(EngineIOPayload.encode(packets).utf8)) == packets)
    }

    @Test(arguments: [
        "abc", "", "4a\u{1E}", "\u{1E}4a", "4a\u{1E}\u{1E}4b", "bAQ=", "b!!!!", "4ok\u{1E}x",
    ])
    func refusesMalformedBodies(body: String) {
        #expect(throws: EngineIOPacketError.self) { try EngineIOPayload.decode(Array(body.utf8)) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: EngineIOPacketError.invalidUTF8) { try EngineIOPayload.decode([0x34, 0xFF, 0xFE]) }
    }
}
