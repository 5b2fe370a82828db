import Testing
@testable import Relay

@Suite struct STUNMessageTests {
    static let key = STUNIntegrityKey.longTerm(username: "user", realm: "realm", password: "pass")!
    static func request(_ attributes: [STUNAttribute] = []) -> STUNMessage {
        STUNMessage(
            type: STUNMessageType(method: .allocate, messageClass: .request),
            transactionID: STUNTransactionID(high: 1, low: 2), attributes: attributes)
    }

    @Test func sha256IntegrityVerifies() throws {
        let bytes = Self.request([.username("user"), .lifetime(60)]).encode(integrity: .sha256(Self.key), fingerprint: true)
        let received = try ReceivedSTUNMessage(decoding: bytes)
        #expect(received.integrityKind == .sha256)
        #expect(received.verifyIntegrity(key: Self.key) == .valid(.sha256))
        let other = STUNIntegrityKey.longTerm(username: "user", realm: "realm", password: "nope")!
        #expect(received.verifyIntegrity(key: other) == .invalid)
    }

    @Test func bothIntegritiesPreferSHA256() throws {
        let bytes = Self.request([.username("user")]).encode(integrity: .sha1AndSHA256(Self.key))
        let received = try ReceivedSTUNMessage(decoding: bytes)
        #expect(received.verifyIntegrity(key: Self.key) == .valid(.sha256))
    }

    @Test func sha256PasswordAlgorithmKeyDiffersFromMD5() throws {
        let sha = try #require(STUNIntegrityKey.longTerm(username: "u", realm: "r", password: "p", algorithm: .sha256))
        #expect(sha.bytes.count == 32)
        #expect(Self.key.bytes.count == 16)
        #expect(STUNIntegrityKey.longTerm(username: "u", realm: "r", password: "p",
                                          algorithm: PasswordAlgorithm(number: 7)) == nil)
    }

    /// RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY, other than
    /// MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, are ignored — and an
    /// attacker appending them does not break the integrity check.
    @Test func attributesAfterIntegrityAreIgnored() throws {
        var bytes = Self.request([.username("user")]).encode(integrity: .sha1(Self.key))
        let appended: [UInt8] = [0x00, 0x31, 0x00, 0x04, 1, 2, 3, 4, 0x00, 0x0D, 0x00, 0x04, 0, 0, 0, 0]
        bytes += appended
        bytes.setUInt16(UInt16(bytes.count - 20), at: 2)
        let received = try ReceivedSTUNMessage(decoding: bytes)
        #expect(received.message.attributes == [.username("user")])
        #expect(received.message.unknownComprehensionRequired.isEmpty)
        #expect(received.verifyIntegrity(key: Self.key) == .valid(.sha1))
    }

    @Test func tamperedBodyFailsIntegrity() throws {
        var bytes = Self.request([.username("user"), .lifetime(60)]).encode(integrity: .sha1(Self.key))
        bytes[35] ^= 0xFF  // inside LIFETIME's value
        #expect(try ReceivedSTUNMessage(decoding: bytes).verifyIntegrity(key: Self.key) == .invalid)
    }

    @Test func noIntegrityIsAbsent() throws {
        let received = try ReceivedSTUNMessage(decoding: Self.request().encode())
        #expect(received.verifyIntegrity(key: Self.key) == .absent)
        #expect(received.integrityKind == nil)
    }

    @Test func headerErrors() {
        let good = Self.request([.lifetime(1)]).encode()
        #expect(throws: STUNDecodingError.truncated) { try ReceivedSTUNMessage(decoding: Array(good.prefix(19))) }
        #expect(throws: STUNDecodingError.truncated) { try ReceivedSTUNMessage(decoding: Array(good.dropLast())) }
        #expect(throws: STUNDecodingError.attributeOverrun) { try ReceivedSTUNMessage(decoding: good + [0, 0, 0, 0]) }
        var notSTUN = good
        notSTUN[0] = 0x80
        #expect(throws: STUNDecodingError.notSTUN) { try ReceivedSTUNMessage(decoding: notSTUN) }
        var cookie = good
        cookie[4] = 0
        #expect(throws: STUNDecodingError.badMagicCookie) { try ReceivedSTUNMessage(decoding: cookie) }
        var unaligned = good
        unaligned[3] = 6
        #expect(throws: STUNDecodingError.unalignedLength) { try ReceivedSTUNMessage(decoding: unaligned) }
        var overrun = good
        overrun[23] = 8  // LIFETIME claims 8 bytes in a 8-byte body
        #expect(throws: STUNDecodingError.attributeOverrun) { try ReceivedSTUNMessage(decoding: overrun) }
    }

    @Test func malformedIntegrityAttributes() {
        var bytes = Self.request().encode()
        bytes += [0x00, 0x08, 0x00, 0x04, 0, 0, 0, 0]
        bytes.setUInt16(UInt16(bytes.count - 20), at: 2)
        #expect(throws: STUNDecodingError.malformedAttribute(.messageIntegrity)) {
            try ReceivedSTUNMessage(decoding: bytes)
        }
    }

    @Test func headerReadsWithoutBody() throws {
        let bytes = Self.request([.lifetime(5)]).encode()
        let header = try #require(try STUNHeader(decoding: Array(bytes.prefix(20))))
        #expect(header.length == 8)
        #expect(header.transactionID == STUNTransactionID(high: 1, low: 2))
        #expect(try STUNHeader(decoding: Array(bytes.prefix(10))) == nil)
    }

    /// Bounded property test: random and mutated inputs never trap.
    @Test func randomBytesNeverTrap() {
        var generator = SeededGenerator(seed: 0x5EED)
        let seeds = [
            RFC5769Tests.sampleRequest, RFC5769Tests.ipv6Response, RFC5769Tests.longTermRequest,
            STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .request),
                        transactionID: STUNTransactionID(high: 9, low: 9),
                        attributes: STUNAttributeTests.everyAttribute).encode(),
        ]
        for round in 0..<4000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                let count = Int.random(in: 0...96, using: &generator)
                bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if count >= 8, round % 4 == 0 {  // give most a valid header
                    bytes[0] &= 0x3F
                    bytes.replaceSubrange(4..<8, with: [0x21, 0x12, 0xA4, 0x42])
                    bytes.setUInt16(UInt16((count - 20) & ~3 & 0xFFFF), at: 2)
                }
            } else {
                bytes = seeds[round % seeds.count]
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            }
            _ = try? ReceivedSTUNMessage(decoding: bytes)
            _ = try? ChannelData(decoding: bytes)
            _ = try? StreamFrame.next(in: bytes)
            _ = try? STUNHeader(decoding: bytes)
        }
    }

    @Test func everyTruncationOfEveryVectorFailsCleanly() {
        for vector in [RFC5769Tests.sampleRequest, RFC5769Tests.ipv4Response, RFC5769Tests.longTermRequest] {
            for length in 0..<vector.count {
                #expect(throws: STUNDecodingError.self) { try ReceivedSTUNMessage(decoding: Array(vector.prefix(length))) }
            }
        }
    }
}
