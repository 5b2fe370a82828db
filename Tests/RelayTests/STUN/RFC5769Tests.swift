import Testing
@testable import Relay

/// RFC 5769 test vectors, decoded and re-encoded byte for byte.
@Suite struct RFC5769Tests {
    static let password = "VOkJxbRl1RmTxUk/WvJxBt"

    static let sampleRequest = hex("""
        00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
        00 24 00 04 6e 00 01 ff
        80 29 00 08 93 2f f9 b1 51 26 3b 36
        00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
        00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
        80 28 00 04 e5 7a 3b cf
        """)

    static let ipv4Response = hex("""
        01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 08 00 01 a1 47 e1 12 a6 43
        00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
        80 28 00 04 c0 7d 4c 96
        """)

    static let ipv6Response = hex("""
        01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
        00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
        80 28 00 04 c8 fb 0b 4c
        """)

    static let longTermRequest = hex("""
        00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
        00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
        00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
        00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
        00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66
        """)

    @Test func sampleRequestDecodes() throws {
        let received = try ReceivedSTUNMessage(decoding: Self.sampleRequest)
        let message = received.message
        #expect(message.type == STUNMessageType(method: .binding, messageClass: .request))
        #expect(message.transactionID.bytes == hex("b7e7a701bc34d686fa87dfae"))
        #expect(message.attributes == [
            .software("STUN test client"),
            .priority(0x6e00_01ff),
            .iceControlled(0x932f_f9b1_5126_3b36),
            .username("evtj:h6vY"),
        ])
        #expect(message.unknownComprehensionRequired.isEmpty)
        #expect(received.hasFingerprint)
        #expect(received.verifyIntegrity(key: .shortTerm(password: Self.password)) == .valid(.sha1))
        #expect(received.verifyIntegrity(key: .shortTerm(password: "wrong")) == .invalid)
    }

    @Test func sampleRequestEncodes() throws {
        let message = try STUNMessage(decoding: Self.sampleRequest)
        let encoded = message.encode(
            integrity: .sha1(.shortTerm(password: Self.password)), fingerprint: true, paddingByte: 0x20)
        #expect(encoded == Self.sampleRequest)
    }

    @Test func ipv4ResponseDecodesAndEncodes() throws {
        let received = try ReceivedSTUNMessage(decoding: Self.ipv4Response)
        #expect(received.message.type == STUNMessageType(method: .binding, messageClass: .successResponse))
        #expect(received.message.attributes == [
            .software("test vector"), .xorMappedAddress(address("192.0.2.1", 32853)),
        ])
        #expect(received.verifyIntegrity(key: .shortTerm(password: Self.password)) == .valid(.sha1))
        let encoded = received.message.encode(
            integrity: .sha1(.shortTerm(password: Self.password)), fingerprint: true, paddingByte: 0x20)
        #expect(encoded == Self.ipv4Response)
    }

    @Test func ipv6ResponseDecodesAndEncodes() throws {
        let received = try ReceivedSTUNMessage(decoding: Self.ipv6Response)
        #expect(received.message.attributes == [
            .software("test vector"),
            .xorMappedAddress(address("2001:db8:1234:5678:11:2233:4455:6677", 32853)),
        ])
        #expect(received.verifyIntegrity(key: .shortTerm(password: Self.password)) == .valid(.sha1))
        let encoded = received.message.encode(
            integrity: .sha1(.shortTerm(password: Self.password)), fingerprint: true, paddingByte: 0x20)
        #expect(encoded == Self.ipv6Response)
    }

    /// The password is given before SASLprep; the key must use "TheMatrIX".
    @Test func longTermRequestDecodesAndEncodes() throws {
        let username = "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}"
        let received = try ReceivedSTUNMessage(decoding: Self.longTermRequest)
        #expect(received.message.attributes == [
            .username(username), .nonce("f//499k954d6OL34oL9FSTvy64sA"), .realm("example.org"),
        ])
        #expect(received.hasFingerprint == false)
        let key = try #require(STUNIntegrityKey.longTerm(
            username: username, realm: "example.org", password: "The\u{00AD}M\u{00AA}tr\u{2168}"))
        #expect(key == STUNIntegrityKey.longTerm(username: username, realm: "example.org", password: "TheMatrIX"))
        #expect(received.verifyIntegrity(key: key) == .valid(.sha1))
        #expect(received.message.encode(integrity: .sha1(key)) == Self.longTermRequest)
    }

    @Test func flippedBitBreaksFingerprint() {
        var bytes = Self.sampleRequest
        bytes[30] ^= 0x01
        #expect(throws: STUNDecodingError.fingerprintMismatch) { try ReceivedSTUNMessage(decoding: bytes) }
    }
}
