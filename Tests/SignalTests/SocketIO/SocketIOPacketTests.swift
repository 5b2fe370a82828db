import Testing

@testable import Signal

@Suite struct SocketIOPacketTests {
    @Test(arguments: [
        ("0", SocketIOPacket(kind: .connect)),
        ("0{\"token\":\"123\"}", SocketIOPacket(kind: .connect, data: ["token": "123"])),
        ("0/admin,", SocketIOPacket(kind: .connect, namespace: "/admin")),
        ("0/random", SocketIOPacket(kind: .connect, namespace: "/random")),
        ("0/admin,{\"sid\":\"x\"}", SocketIOPacket(kind: .connect, namespace: "/admin", data: ["sid": "x"])),
        ("1", SocketIOPacket(kind: .disconnect)),
        ("1/custom", SocketIOPacket(kind: .disconnect, namespace: "/custom")),
        ("2[\"foo\"]", .event("foo", [])),
        ("2/admin,[\"bar\"]", .event("bar", [], namespace: "/admin")),
        ("212[\"foo\",1]", .event("foo", [1], id: 12)),
        ("2/admin,13[\"foo\"]", .event("foo", [], namespace: "/admin", id: 13)),
        ("3/admin,13[\"bar\"]", SocketIOPacket(kind: .ack, namespace: "/admin", id: 13, data: ["bar"])),
        ("312[]", SocketIOPacket(kind: .ack, id: 12, data: [])),
        ("4{\"message\":\"Not authorized\"}", SocketIOPacket(kind: .connectError, data: ["message": "Not authorized"])),
    ])
    func decodesTheSpecExamples(text: String, packet: SocketIOPacket) throws {
        #expect(try SocketIOPacket.decode(text) == packet)
    }

    @Test func decodesBinaryHeaders() throws {
        let packet = try SocketIOPacket.decode("52-/admin,7[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")
        #expect(packet.kind == .binaryEvent)
        #expect(packet.attachmentCount == 2)
        #expect(packet.namespace == "/admin")
        #expect(packet.id == 7)
    }

    @Test(arguments: [
        ("", SocketIOPacketError.empty),
        ("abc", .unknownType), ("7", .unknownType), ("/", .unknownType),
        ("2{}", .invalidPayload), ("2[]", .invalidPayload), ("2", .invalidPayload),
        ("2[{}]", .invalidPayload), ("3[1]", .invalidPayload), ("31{}", .invalidPayload),
        ("0[]", .invalidPayload), ("0\"x\"", .invalidPayload), ("1{}", .invalidPayload), ("4[1]", .invalidPayload), ("4", .invalidPayload),
        ("5[\"a\"]", .invalidAttachmentCount), ("5-[\"a\"]", .invalidAttachmentCount), ("5x-[\"a\"]", .invalidAttachmentCount),
        ("5100-[\"a\"]", .tooManyAttachments), ("299999999999999999999[\"a\"]", .invalidAckID),
    ])
    func refusesMalformedPackets(text: String, error: SocketIOPacketError) {
        #expect(throws: error) { try SocketIOPacket.decode(text) }
    }

    @Test(arguments: ["2abc[\"message-with-ack\",1]", "2[\"a\"", "2[\"a\"]]", "0{x}"])
    func refusesInvalidJSON(text: String) {
        #expect {
            try SocketIOPacket.decode(text)
        } throws: { error in
            if case .invalidJSON = error as? SocketIOPacketError { true } else { false }
        }
    }

    @Test func encodesTheSpecExamples() {
        #expect(SocketIOPacket(kind: .connect).encoded() == [.text("0")])
        #expect(SocketIOPacket(kind: .connect, namespace: "/admin", data: ["sid": "x"]).encoded() == [.text("0/admin,{\"sid\":\"x\"}")])
        #expect(SocketIOPacket(kind: .connectError, data: ["message": "Not authorized"]).encoded() == [.text("4{\"message\":\"Not authorized\"}")])
        #expect(SocketIOPacket.event("foo", []).encoded() == [.text("2[\"foo\"]")])
        #expect(SocketIOPacket.event("bar", [], namespace: "/admin").encoded() == [.text("2/admin,[\"bar\"]")])
        #expect(SocketIOPacket.event("foo", [], id: 12).encoded() == [.text("212[\"foo\"]")])
        #expect(SocketIOPacket(kind: .ack, namespace: "/admin", id: 13, data: ["bar"]).encoded() == [.text("3/admin,13[\"bar\"]")])
        #expect(SocketIOPacket(kind: .disconnect, namespace: "/custom").encoded() == [.text("1/custom,")])
    }

    @Test func encodesBinaryAttachments() {
        let packet = SocketIOPacket.event("baz", [.binary([1, 2]), .binary([3, 4])], namespace: "/admin")
        #expect(packet.encoded() == [
            .text("52-/admin,[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"),
            .binary([1, 2]), .binary([3, 4]),
        ])
        let ack = SocketIOPacket(kind: .ack, id: 789, data: [.binary([1, 2, 3])])
        #expect(ack.encoded() == [.text("61-789[{\"_placeholder\":true,\"num\":0}]"), .binary([1, 2, 3])])
    }

    @Test func eventNameAndArguments() {
        let packet = SocketIOPacket.event("call", ["a", 1])
        #expect(packet.eventNameAndArguments?.name == "call")
        #expect(packet.eventNameAndArguments?.arguments == ["a", 1])
        #expect(SocketIOPacket(kind: .ack, id: 1, data: ["x"]).eventNameAndArguments == nil)
    }
}
