import Testing

@testable import Signal

@Suite struct SignalingRequestTests {
    let sdp: JSONValue = .string("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")

    func code(_ event: String, _ body: JSONValue) -> SignalingErrorCode? {
        do {
            _ = try SignalingRequest.parse(event: event, arguments: [body])
            return nil
        } catch {
            return error.code
        }
    }

    @Test func wellFormedEventsParse() throws {
        let offer: JSONValue = ["type": "offer", "sdp": sdp]
        #expect(try SignalingRequest.parse(event: "call-user", arguments: [["targetExtension": "123-456", "offer": offer]])
            == .callUser(target: ExtensionNumber("123-456")!, offer: offer))
        #expect(try SignalingRequest.parse(event: "end-call", arguments: [["targetExtension": "123-456"]])
            == .endCall(target: ExtensionNumber("123-456")!))
    }

    @Test(arguments: ["", "123456", "12-3456", "abc-def", "123-4567", " 123-456"])
    func targetsThatAreNotExtensionsAreInvalidExtension(target: String) {
        #expect(code("end-call", ["targetExtension": .string(target)]) == .invalidExtension)
        #expect(code("end-call", [:]) == .invalidExtension)
    }

    @Test func aBodyThatIsNotAnObjectIsInvalidPayload() {
        #expect(code("end-call", "123-456") == .invalidPayload)
        #expect((try? SignalingRequest.parse(event: "end-call", arguments: [])) == nil)
    }

    @Test func offersAndAnswersMustBeSDPOfTheRightTypeAndSize() {
        let target: JSONValue = "123-456"
        #expect(code("call-user", ["targetExtension": target, "offer": ["type": "answer", "sdp": sdp]]) == .invalidPayload)
        #expect(code("call-user", ["targetExtension": target, "offer": ["type": "offer", "sdp": "hello"]]) == .invalidPayload)
        #expect(code("answer-call", ["targetExtension": target, "answer": ["type": "answer"]]) == .invalidPayload)
        let huge = JSONValue.string("v=0\r\n" + String(repeating: "a", count: SignalingRequest.maximumSDPBytes))
        #expect(code("answer-call", ["targetExtension": target, "answer": ["type": "answer", "sdp": huge]]) == .invalidPayload)
        #expect(code("answer-call", ["targetExtension": target, "answer": ["type": "answer", "sdp": sdp]]) == nil)
    }

    @Test func candidatesKeepOnlyTheirKnownMembers() throws {
        let line = "candidate:1 1 UDP 2130706431 192.0.2.10 54321 typ host"
        let parsed = try SignalingRequest.candidate(["candidate": .string(line), "sdpMid": "0", "sdpMLineIndex": 0, "extra": "dropped"])
        #expect(parsed == ["candidate": .string(line), "sdpMid": "0", "sdpMLineIndex": 0])
        // An empty candidate marks the end of candidates (RFC 8838 §8.2).
        #expect(try SignalingRequest.candidate(["candidate": ""]) == ["candidate": ""])
    }

    @Test func malformedCandidatesAreInvalidPayload() {
        let target: JSONValue = "123-456"
        for candidate: JSONValue in [
            "candidate:1", ["candidate": "not a candidate"], ["candidate": 5],
            ["candidate": .string("candidate:" + String(repeating: "x", count: SignalingRequest.maximumCandidateBytes))],
            ["candidate": "candidate:1 1 UDP 1 192.0.2.1 1 typ host", "sdpMLineIndex": 1.5],
            ["candidate": "candidate:1 1 UDP 1 192.0.2.1 1 typ host", "sdpMid": 7],
        ] {
            #expect(code("ice-candidate", ["targetExtension": target, "candidate": candidate]) == .invalidPayload)
        }
    }
}
