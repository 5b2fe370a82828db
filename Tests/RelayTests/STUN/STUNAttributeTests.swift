import Testing
@testable import Relay

@Suite struct STUNAttributeTests {
    static let transactionID = STUNTransactionID(high: 0x0102_0304, low: 0x0506_0708_090A_0B0C)

    static let everyAttribute: [STUNAttribute] = [
        .mappedAddress(address("192.0.2.1", 3478)),
        .mappedAddress(address("2001:db8::1", 3478)),
        .xorMappedAddress(address("198.51.100.7", 50000)),
        .xorPeerAddress(address("2001:db8:1234::99", 1)),
        .xorPeerAddress(address("203.0.113.5", 65535)),
        .xorRelayedAddress(address("203.0.113.1", 49152)),
        .xorRelayedAddress(address("2001:db8::2", 49153)),
        .alternateServer(address("192.0.2.77", 3478)),
        .username("1700000000:alice"),
        .userhash(Array(repeating: 0xAB, count: 32)),
        .realm("notrack.example"),
        .nonce("abcdef"),
        .errorCode(.staleNonce),
        .errorCode(STUNErrorCode(code: 699, reason: "")),
        .unknownAttributes([STUNAttributeType(rawValue: 0x0031), STUNAttributeType(rawValue: 0x0077)]),
        .software("notrack"),
        .alternateDomain("turn.example"),
        .passwordAlgorithms([.sha256, .md5, PasswordAlgorithm(number: 9, parameters: [1, 2, 3])]),
        .passwordAlgorithm(.sha256),
        .lifetime(600),
        .requestedTransport(17),
        .dontFragment,
        .data([]),
        .data([1, 2, 3, 4, 5]),
        .channelNumber(0x4001),
        .evenPort(reserveNextPort: true),
        .evenPort(reserveNextPort: false),
        .reservationToken([1, 2, 3, 4, 5, 6, 7, 8]),
        .requestedAddressFamily(0x02),
        .additionalAddressFamily(0x02),
        .addressErrorCode(family: 0x02, error: .addressFamilyNotSupported),
        .icmp(type: 3, code: 4, data: 1400),
        .priority(7),
        .useCandidate,
        .iceControlled(42),
        .iceControlling(43),
        .unknown(type: STUNAttributeType(rawValue: 0x7777), value: [9, 9, 9]),
        .unknown(type: STUNAttributeType(rawValue: 0xC001), value: []),
    ]

    @Test(arguments: everyAttribute)
    func roundTrips(attribute: STUNAttribute) throws {
        let message = STUNMessage(
            type: STUNMessageType(method: .allocate, messageClass: .request),
            transactionID: Self.transactionID, attributes: [attribute])
        let bytes = message.encode(fingerprint: true)
        #expect(bytes.count % 4 == 0)
        #expect(try STUNMessage(decoding: bytes) == message)
    }

    @Test func allAttributesTogetherRoundTrip() throws {
        let message = STUNMessage(
            type: STUNMessageType(method: .refresh, messageClass: .successResponse),
            transactionID: Self.transactionID, attributes: Self.everyAttribute)
        #expect(try STUNMessage(decoding: message.encode()) == message)
    }

    /// (type, value) pairs that break their attribute's definition.
    static let malformed: [(UInt16, [UInt8])] = [
        (0x0001, [0, 1, 0, 1]),              // IPv4 address too short
        (0x0001, [0, 3, 0, 1, 1, 2, 3, 4]),                    // unknown family
        (0x0020, [0, 2, 0, 1, 1, 2, 3, 4]),                    // IPv6 family, IPv4 length
        (0x0012, []),
        (0x0016, [0, 1, 0, 1, 1, 2, 3, 4, 5]),
        (0x0006, [0xFF, 0xFE]),                                // not UTF-8
        (0x0006, Array(repeating: 0x61, count: 514)),          // too long
        (0x001E, [1, 2, 3]),                                   // USERHASH not 32 bytes
        (0x0009, [0, 0, 2, 0]),                                // class 2
        (0x0009, [0, 0, 4, 100]),                              // number 100
        (0x0009, [0, 0]),
        (0x000A, [0, 1, 0]),                                   // odd UNKNOWN-ATTRIBUTES
        (0x8002, []),                                          // empty PASSWORD-ALGORITHMS
        (0x8002, [0, 1, 0, 8, 1]),                             // parameters overrun
        (0x001D, [0, 1, 0, 0, 0, 2, 0, 0]),                    // two algorithms in one
        (0x000D, [0, 0, 2]),                                   // LIFETIME 3 bytes
        (0x0019, [17]),                                        // REQUESTED-TRANSPORT 1 byte
        (0x001A, [0, 0, 0, 0]),                                // DONT-FRAGMENT with value
        (0x000C, [0x40, 0]),
        (0x0018, [0x80, 0, 0, 0]),                             // EVEN-PORT 4 bytes
        (0x0022, [1, 2, 3, 4]),
        (0x0017, [1]),
        (0x8000, [2, 0]),
        (0x8001, [2, 0, 9, 0]),
        (0x8004, [0, 0, 3]),
        (0x0024, [0]),
        (0x0025, [0, 0, 0, 0]),
        (0x8029, [0, 0, 0, 0]),
    ]

    @Test(arguments: malformed)
    func malformedValuesThrow(type: UInt16, value: [UInt8]) {
        let attributeType = STUNAttributeType(rawValue: type)
        #expect(throws: STUNDecodingError.malformedAttribute(attributeType)) {
            try STUNAttribute.decode(type: attributeType, value: value, transactionID: Self.transactionID)
        }
    }

    @Test func unknownComprehensionRequiredAreReportedOnce() throws {
        let message = STUNMessage(
            type: STUNMessageType(method: .allocate, messageClass: .request),
            transactionID: Self.transactionID,
            attributes: [
                .unknown(type: STUNAttributeType(rawValue: 0x0031), value: []),
                .unknown(type: STUNAttributeType(rawValue: 0x8031), value: []),
                .unknown(type: STUNAttributeType(rawValue: 0x0031), value: [1]),
                .unknown(type: STUNAttributeType(rawValue: 0x0032), value: []),
            ])
        let decoded = try STUNMessage(decoding: message.encode())
        #expect(decoded.unknownComprehensionRequired.map(\.rawValue) == [0x0031, 0x0032])
    }
}
