import Testing

@testable import Signal

@Suite struct EngineIOQueryTests {
    @Test func splitsTargets() {
        let (path, query) = EngineIOQuery.split(target: "/socket.io/?EIO=4&transport=websocket&sid=a-b_c")
        #expect(path == "/socket.io/")
        #expect(query == ["EIO": "4", "transport": "websocket", "sid": "a-b_c"])
        #expect(EngineIOQuery.split(target: "/socket.io/").query == [:])
        #expect(EngineIOQuery.split(target: "/x?").query == [:])
    }

    @Test func decodesEscapes() {
        #expect(EngineIOQuery.parse("token=a%20b%2Bc+d&k%C3%A9=%E2%82%AC") == ["token": "a b+c d", "ké": "€"])
    }

    @Test func firstValueWinsAndEmptyPartsAreSkipped() {
        #expect(EngineIOQuery.parse("a=1&&a=2&b&=c") == ["a": "1", "b": "", "": "c"])
    }

    @Test(arguments: ["%", "%4", "%zz", "%%41", "a=%E2%82"])
    func keepsMalformedEscapesWithoutTrapping(text: String) {
        _ = EngineIOQuery.parse(text[...])
    }
}
