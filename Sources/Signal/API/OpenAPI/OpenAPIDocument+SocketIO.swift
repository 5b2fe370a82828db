/// The Socket.IO signaling events (API reference, "WebSocket Events"), which OpenAPI cannot
/// describe as operations.
///
/// One list feeds three views, so they cannot disagree: a markdown section of
/// `info.description` (what Swagger UI shows), the `x-socketio-events` extension (for
/// tools), and payload schemas under `components.schemas` (browsable in Swagger UI).
enum SocketIOEvents {
    struct Event {
        enum Direction: String { case clientToServer, serverToClient }
        var name: String
        var direction: Direction
        var summary: String
        /// The payload's schema name under `components.schemas`.
        var schema: String
        var payload: OrderedJSON
    }

    static let extensionPattern: OrderedJSON = OpenAPIDocument.ref("Extension")

    static let events: [Event] = [
        .init(name: "call-user", direction: .clientToServer,
              summary: "Call another extension with a WebRTC offer. Answered by `call-made`, or `error` (`USER_NOT_FOUND`, `INVALID_EXTENSION`, `ALREADY_IN_CALL`).",
              schema: "CallUserEvent",
              payload: payload(["targetExtension": extensionPattern, "offer": OpenAPIDocument.ref("SessionDescription")])),
        .init(name: "answer-call", direction: .clientToServer,
              summary: "Answer an incoming call from `targetExtension`; the caller gets `answer-made`.",
              schema: "AnswerCallEvent",
              payload: payload(["targetExtension": extensionPattern, "answer": OpenAPIDocument.ref("SessionDescription")])),
        .init(name: "ice-candidate", direction: .clientToServer,
              summary: "Send an ICE candidate to the peer of an active call; it gets `ice-candidate-received`.",
              schema: "ICECandidateEvent",
              payload: payload(["targetExtension": extensionPattern, "candidate": OpenAPIDocument.ref("ICECandidate")])),
        .init(name: "end-call", direction: .clientToServer,
              summary: "End the call with `targetExtension`; both parties get `call-ended`.",
              schema: "EndCallEvent",
              payload: payload(["targetExtension": extensionPattern])),
        .init(name: "incoming-call", direction: .serverToClient,
              summary: "Someone calls you: show the call and answer with `answer-call`.",
              schema: "IncomingCallEvent",
              payload: payload(["from": extensionPattern, "offer": OpenAPIDocument.ref("SessionDescription")])),
        .init(name: "call-made", direction: .serverToClient,
              summary: "Your `call-user` reached the callee, who is now ringing.",
              schema: "CallMadeEvent",
              payload: payload(["to": extensionPattern])),
        .init(name: "answer-made", direction: .serverToClient,
              summary: "The callee answered: set the answer as the remote description.",
              schema: "AnswerMadeEvent",
              payload: payload(["from": extensionPattern, "answer": OpenAPIDocument.ref("SessionDescription")])),
        .init(name: "ice-candidate-received", direction: .serverToClient,
              summary: "An ICE candidate from the peer: add it to the peer connection.",
              schema: "ICECandidateReceivedEvent",
              payload: payload(["from": extensionPattern, "candidate": OpenAPIDocument.ref("ICECandidate")])),
        .init(name: "call-ended", direction: .serverToClient,
              summary: "The call is over: sent to the other party and, as confirmation, to the party that ended it.",
              schema: "CallEndedEvent",
              payload: payload(["from": extensionPattern, "reason": ["type": "string", "description": "Why the call ended."]], required: ["from"])),
        .init(name: "error", direction: .serverToClient,
              summary: "An event failed.",
              schema: "SocketErrorEvent",
              payload: payload([
                  "message": ["type": "string", "example": "User not found"],
                  "code": ["type": "string", "enum": ["USER_NOT_FOUND", "INVALID_EXTENSION", "ALREADY_IN_CALL", "RATE_LIMIT_EXCEEDED", "AUTHENTICATION_FAILED"]],
              ])),
    ]

    /// An object schema whose listed properties are all required unless `required` says otherwise.
    static func payload(_ properties: OrderedJSON, required: [String]? = nil) -> OrderedJSON {
        guard case .object(let members) = properties else { return properties }
        return [
            "type": "object",
            "required": .array((required ?? members.map(\.0)).map { .string($0) }),
            "properties": properties,
        ]
    }

    static var schemas: OrderedJSON {
        let shared: OrderedJSON = [
            "SessionDescription": [
                "type": "object",
                "description": "An `RTCSessionDescriptionInit`, e.g. `peerConnection.localDescription`.",
                "required": ["type", "sdp"],
                "properties": [
                    "type": ["type": "string", "enum": ["offer", "answer", "pranswer", "rollback"]],
                    "sdp": ["type": "string", "example": "v=0\r\no=- 123456789 2 IN IP4 127.0.0.1\r\n..."],
                ],
            ],
            "ICECandidate": [
                "type": "object",
                "description": "An `RTCIceCandidateInit`, e.g. `event.candidate` of `onicecandidate`.",
                "required": ["candidate"],
                "properties": [
                    "candidate": ["type": "string", "example": "candidate:1 1 UDP 2130706431 192.168.1.100 54321 typ host"],
                    "sdpMLineIndex": ["type": "integer", "nullable": true, "example": 0],
                    "sdpMid": ["type": "string", "nullable": true, "example": "audio"],
                    "usernameFragment": ["type": "string", "nullable": true],
                ],
            ],
        ]
        let events = OrderedJSON.object(events.map { event in
            (event.schema, event.payload.merging(["description": .string("Payload of the Socket.IO `\(event.name)` event.")]))
        })
        return shared.merging(events)
    }

    static let connection: OrderedJSON = [
        "path": "/socket.io/",
        "transports": ["websocket", "polling"],
        "auth": [
            "type": "object", "required": ["token"],
            "properties": ["token": ["type": "string", "description": "The JWT of a guest, register or login response."]],
        ],
        "rateLimits": [
            "connections": "3 attempts per 5 minutes per IP",
            "events": "50 events per minute per connection",
        ],
    ]

    static var extensionValue: OrderedJSON {
        func list(_ direction: Event.Direction) -> OrderedJSON {
            .object(events.filter { $0.direction == direction }.map { event in
                (event.name, ["summary": .string(event.summary), "payload": OpenAPIDocument.ref(event.schema)])
            })
        }
        return [
            "connection": connection,
            "clientToServer": list(.clientToServer),
            "serverToClient": list(.serverToClient),
        ]
    }

    static var markdown: String {
        func table(_ direction: Event.Direction) -> String {
            events.filter { $0.direction == direction }.map { event in
                "| `\(event.name)` | `\(fields(event.payload))` | \(event.summary) |"
            }.joined(separator: "\n")
        }
        return """
            ## Socket.IO signaling

            Connect with Socket.IO to this server (path `/socket.io/`, transports `websocket` \
            and `polling`) and pass the token in the handshake: \
            `io(url, { auth: { token } })`. A missing or invalid token fails the connection \
            with `connect_error` (`AUTHENTICATION_FAILED`). Limits: 3 connection attempts per \
            5 minutes per IP, 50 events per minute per connection (`RATE_LIMIT_EXCEEDED`). \
            Extensions are `XXX-XXX`. Payload schemas are listed under *Schemas* \
            (`CallUserEvent` …) and in the document's `x-socketio-events`.

            ### Client → server

            | event | payload | meaning |
            | --- | --- | --- |
            \(table(.clientToServer))

            ### Server → client

            | event | payload | meaning |
            | --- | --- | --- |
            \(table(.serverToClient))
            """
    }

    /// `{targetExtension, offer}`: the payload's field names, optional ones marked `?`.
    static func fields(_ payload: OrderedJSON) -> String {
        guard case .object(let properties)? = payload["properties"], case .array(let required)? = payload["required"]
        else { return "{}" }
        let names = properties.map { name, _ in required.contains(.string(name)) ? name : name + "?" }
        return "{" + names.joined(separator: ", ") + "}"
    }
}
