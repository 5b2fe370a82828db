import Testing

@testable import Signal

@Suite struct SocketIOPacketAssemblerTests {
    var assembler = SocketIOPacketAssembler(maximumAttachmentBytes: 16)

    @Test mutating func passesPlainPacketsThrough() throws {
        #expect(try assembler.receive(.text("2[\"a\"]")) == .event("a", []))
    }

    @Test mutating func reassemblesTheSuiteExample() throws {
        let header = "452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"
        #expect(try assembler.receive(.text(String(header.dropFirst()))) == nil)
        #expect(assembler.isAwaitingAttachments)
        #expect(try assembler.receive(.binary([1, 2, 3])) == nil)
        let packet = try #require(try assembler.receive(.binary([4, 5, 6])))
        #expect(packet.kind == .binaryEvent)
        #expect(packet.id == 789)
        #expect(packet.data == ["message-with-ack", .binary([1, 2, 3]), .binary([4, 5, 6])])
        #expect(!assembler.isAwaitingAttachments)
        #expect(try assembler.receive(.text("2[\"next\"]")) == .event("next", []))
    }

    @Test mutating func placeholdersNestedInObjects() throws {
        _ = try assembler.receive(.text("51-[\"x\",{\"file\":{\"_placeholder\":true,\"num\":0}}]"))
        let packet = try #require(try assembler.receive(.binary([9])))
        #expect(packet.data == ["x", ["file": .binary([9])]])
    }

    @Test mutating func zeroAttachmentsCompleteAtOnce() throws {
        #expect(try assembler.receive(.text("50-[\"x\"]"))?.data == ["x"])
    }

    @Test mutating func refusesAnUnexpectedBinary() {
        #expect(throws: SocketIOPacketError.unexpectedMessage) { try assembler.receive(.binary([1])) }
    }

    @Test mutating func refusesTextWhileAwaitingAttachments() throws {
        _ = try assembler.receive(.text("51-[\"x\",{\"_placeholder\":true,\"num\":0}]"))
        #expect(throws: SocketIOPacketError.unexpectedMessage) { try assembler.receive(.text("2[\"y\"]")) }
    }

    @Test mutating func refusesAPlaceholderWithoutAttachment() throws {
        _ = try assembler.receive(.text("51-[\"x\",{\"_placeholder\":true,\"num\":1}]"))
        #expect(throws: SocketIOPacketError.invalidPlaceholder) { try assembler.receive(.binary([1])) }
        _ = try? assembler.receive(.text("50-[\"x\",{\"_placeholder\":true,\"num\":\"0\"}]"))
    }

    @Test mutating func refusesPlaceholdersInAPacketWithoutAttachments() {
        #expect(throws: SocketIOPacketError.invalidPlaceholder) {
            try assembler.receive(.text("50-[\"x\",{\"_placeholder\":true,\"num\":0}]"))
        }
    }

    @Test mutating func boundsTheAttachmentBytes() throws {
        _ = try assembler.receive(.text("52-[\"x\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"))
        _ = try assembler.receive(.binary(Array(repeating: 0, count: 10)))
        #expect(throws: SocketIOPacketError.attachmentsTooLarge) { try assembler.receive(.binary(Array(repeating: 0, count: 10))) }
    }

    @Test func attachmentsRoundTrip() throws {
        let value: JSONValue = ["a", .binary([1]), ["k": [.binary([2]), "s"]]]
        var attachments: [[UInt8]] = []
        let flat = SocketIOAttachments.deconstruct(value, into: &attachments)
        #expect(attachments.count == 2)
        #expect(!flat.containsBinary)
        #expect(try SocketIOAttachments.reconstruct(flat, with: attachments) == value)
    }
}
