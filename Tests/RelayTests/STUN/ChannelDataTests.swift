import Testing
@testable import Relay

@Suite struct ChannelDataTests {
    @Test func encodesAndDecodes() throws {
        let frame = ChannelData(channelNumber: 0x4000, payload: [1, 2, 3, 4, 5])
        #expect(frame.encode(padded: false) == [0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5])
        #expect(frame.encode(padded: true) == [0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5, 0, 0, 0])
        #expect(try ChannelData(decoding: frame.encode(padded: false)) == frame)
        #expect(try ChannelData(decoding: frame.encode(padded: true)) == frame)
    }

    @Test func acceptsTheWholeRFC5766Range() throws {
        for number: UInt16 in [0x4000, 0x4FFF, 0x5000, 0x7FFF] {
            let frame = ChannelData(channelNumber: number, payload: [])
            #expect(try ChannelData(decoding: frame.encode(padded: true)) == frame)
        }
    }

    @Test func refusesBadFrames() {
        #expect(throws: STUNDecodingError.invalidChannelNumber(0x3FFF)) {
            try ChannelData(decoding: [0x3F, 0xFF, 0, 0])
        }
        #expect(throws: STUNDecodingError.invalidChannelNumber(0x8000)) {
            try ChannelData(decoding: [0x80, 0x00, 0, 0])
        }
        #expect(throws: STUNDecodingError.truncated) { try ChannelData(decoding: [0x40, 0x00, 0]) }
        #expect(throws: STUNDecodingError.truncated) { try ChannelData(decoding: [0x40, 0x00, 0, 2, 1]) }
        #expect(throws: STUNDecodingError.attributeOverrun) {
            try ChannelData(decoding: [0x40, 0x00, 0, 1, 1, 0, 0, 0, 0])
        }
    }
}

@Suite struct StreamFrameTests {
    @Test func framesInterleavedMessages() throws {
        let stun = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request),
                               transactionID: STUNTransactionID(high: 1, low: 1),
                               attributes: [.software("x")]).encode()
        let channel = ChannelData(channelNumber: 0x4001, payload: [1, 2, 3]).encode(padded: true)
        let stream = stun + channel + stun
        let first = try #require(try StreamFrame.next(in: stream))
        #expect(first == StreamFrame(kind: .stun, length: stun.count))
        let second = try #require(try StreamFrame.next(in: stream, at: first.length))
        #expect(second == StreamFrame(kind: .channelData, length: 8))
        let third = try #require(try StreamFrame.next(in: stream, at: first.length + second.length))
        #expect(third.kind == .stun)
        #expect(try StreamFrame.next(in: stream, at: stream.count) == nil)
    }

    @Test func needsMoreBytes() throws {
        let stun = STUNMessage(type: STUNMessageType(method: .binding, messageClass: .request),
                               transactionID: STUNTransactionID(high: 1, low: 1),
                               attributes: [.software("abc")]).encode()
        for length in 0..<stun.count {
            #expect(try StreamFrame.next(in: Array(stun.prefix(length))) == nil)
        }
        let channel = ChannelData(channelNumber: 0x4001, payload: [1]).encode(padded: true)
        for length in 0..<channel.count {
            #expect(try StreamFrame.next(in: Array(channel.prefix(length))) == nil)
        }
    }

    @Test func garbageThrows() {
        #expect(throws: STUNDecodingError.notSTUN) { try StreamFrame.next(in: [0xFF, 0, 0, 0]) }
        #expect(throws: STUNDecodingError.badMagicCookie) {
            try StreamFrame.next(in: [0, 1, 0, 0] + Array(repeating: 0, count: 16))
        }
    }
}
