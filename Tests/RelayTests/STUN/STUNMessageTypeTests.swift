import Testing
@testable import Relay

@Suite struct STUNMessageTypeTests {
    static let vectors: [(STUNMethod, STUNMessageClass, UInt16)] = [
        (.binding, .request, 0x0001),
        (.binding, .successResponse, 0x0101),
        (.binding, .errorResponse, 0x0111),
        (.binding, .indication, 0x0011),
        (.allocate, .request, 0x0003),
        (.allocate, .successResponse, 0x0103),
        (.allocate, .errorResponse, 0x0113),
        (.send, .indication, 0x0016),
        (.data, .indication, 0x0017),
        (.channelBind, .request, 0x0009),
        (.createPermission, .errorResponse, 0x0118),
    ]

    @Test(arguments: vectors)
    func packsMethodAndClass(method: STUNMethod, messageClass: STUNMessageClass, raw: UInt16) {
        let type = STUNMessageType(method: method, messageClass: messageClass)
        #expect(type.rawValue == raw)
        #expect(STUNMessageType(rawValue: raw) == type)
    }

    @Test func everyFourteenBitValueRoundTrips() {
        for raw in UInt16(0)..<0x4000 {
            #expect(STUNMessageType(rawValue: raw)?.rawValue == raw)
        }
        #expect(STUNMessageType(rawValue: 0x4001) == nil)
        #expect(STUNMessageType(rawValue: 0x8001) == nil)
    }
}
