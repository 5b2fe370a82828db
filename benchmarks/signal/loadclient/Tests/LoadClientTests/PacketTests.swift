import Testing

@testable import LoadClient

/// The packets must be sioload.py's bytes: the expected strings are what Python's `json`
/// module printed for the same values.
@Suite struct ClientPacketsMatchSioloadPy {
    @Test func callUserCarriesTheOfferAsPythonSpellsIt() {
        #expect(
            CallPackets.callUser(to: "123-456")
                == #"42["call-user",{"targetExtension":"123-456","offer":{"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"}}]"#)
    }

    @Test func answerAndEndNameTheOtherParty() {
        #expect(CallPackets.answerCall(to: "1").hasPrefix(#"42["answer-call",{"targetExtension":"1","answer":{"type":"answer","sdp":"v=0\r\n"#))
        #expect(CallPackets.endCall(to: "1") == #"42["end-call",{"targetExtension":"1"}]"#)
    }

    @Test func connectKeepsPythonsDefaultSeparators() {
        #expect(ClientPacket.connect(token: "a.b-c") == #"40{"token": "a.b-c"}"#)
    }

    @Test func jsonStringsAreAsciiWithPythonsEscapes() {
        #expect(jsonString("é\u{2028}\u{01}\"\\/ \t\u{08}\u{0C}") == #""\u00e9\u2028\u0001\"\\/ \t\b\f""#)
        #expect(jsonString("😀") == #""\ud83d\ude00""#)
    }
}

@Suite struct ServerPacketsParse {
    @Test func engineIOControlPackets() throws {
        #expect(try ServerPacket(parsing: #"0{"sid":"x","pingInterval":25000}"#) == .open)
        #expect(try ServerPacket(parsing: "2") == .ping)
        #expect(try ServerPacket(parsing: "1") == .close)
        #expect(try ServerPacket(parsing: "6") == .ignored)
    }

    @Test func socketIOConnectReplies() throws {
        #expect(try ServerPacket(parsing: #"40{"sid":"y"}"#) == .connected)
        #expect(try ServerPacket(parsing: #"44{"message":"invalid token"}"#) == .connectRefused(#"{"message":"invalid token"}"#))
        #expect(try ServerPacket(parsing: "41") == .disconnected)
    }

    @Test func eventsCarryTheirNameAndBody() throws {
        let packet = try ServerPacket(parsing: #"42["incoming-call",{"from":"123-456","offer":{"type":"offer"}}]"#)
        guard case .event(let name, let body) = packet else { Issue.record("not an event: \(packet)"); return }
        #expect(name == "incoming-call")
        #expect(body?["from"]?.stringValue == "123-456")
        #expect(try ServerPacket(parsing: #"42["ping-only"]"#) == .event(name: "ping-only", body: nil))
    }

    @Test(arguments: ["", "9", "x", "47", "42", "42{}", "42[1,2]", "42[\"a\"", "4"])
    func malformedPacketsAreViolations(text: String) {
        #expect(throws: ProtocolViolation.self) { try ServerPacket(parsing: text) }
    }
}

@Suite struct PercentilesAsSioloadPy {
    /// sioload.py: `ordered[min(n - 1, int(q * n))]`, rounded to 3 decimals.
    @Test func pickTheSampleAtFloorOfQTimesN() {
        let samples = (1...200).map { Double($0) / 1000 }.shuffled()
        let result = Percentiles(samples)
        #expect(result.count == 200)
        #expect(result.p50 == 0.101)
        #expect(result.p90 == 0.181)
        #expect(result.p99 == 0.199)
        #expect(result.max == 0.2)
        #expect(result.mean == 0.101)
    }

    @Test func noSamplesOnlyCount() {
        let result = Percentiles([])
        #expect(result.count == 0 && result.p50 == nil && result.p99 == nil && result.max == nil)
    }
}

@Suite struct ServerAddressValidation {
    @Test func hostAndPort() throws {
        let address = try ServerAddress(url: "http://127.0.0.1:3000")
        #expect(address.host == "127.0.0.1" && address.port == 3000)
    }

    @Test(arguments: ["127.0.0.1:3000", "https://127.0.0.1:3000", "http://", "http://h:1/socket.io/", "http://h:1/?x=1"])
    func refusesWhatIsNotAServerRoot(url: String) {
        #expect(throws: LoadClientError.self) { try ServerAddress(url: url) }
    }
}

@Suite struct ServerRelayHistogram {
    static let exposition = """
        # TYPE socketio_event_relay_seconds histogram
        socketio_event_relay_seconds_bucket{le="0.001"} 7
        socketio_event_relay_seconds_bucket{le="0.005"} 9.0
        socketio_event_relay_seconds_bucket{le="+Inf"} 10
        socketio_event_relay_seconds_sum 0.0123
        socketio_event_relay_seconds_count 10
        socketio_events_total{event="call-user",direction="received"} 4
        """

    @Test func readsTheBucketsOfTheRelayHistogramOnly() {
        #expect(ServerQueries.parseRelayBuckets(Self.exposition) == ["0.001": 7, "0.005": 9, "+Inf": 10])
    }

    @Test func aPhaseIsTheDifferenceInBoundOrder() {
        let phase = ServerQueries.difference(["+Inf": 10, "0.005": 9, "0.001": 7], ["0.001": 2, "+Inf": 3])
        #expect(phase == [.init(le: "0.001", count: 5), .init(le: "0.005", count: 9), .init(le: "+Inf", count: 7)])
        #expect(ServerQueries.difference(nil, ["0.001": 2]) == nil)
    }
}
