/// A client event of the call protocol, validated (API reference, "Client → Server
/// Events"): the target must be an extension, offers and answers must look like SDP of
/// the right `type`, candidates like ICE candidates. Anything else is refused with the
/// error code the client should see.
enum SignalingRequest: Equatable {
    case callUser(target: ExtensionNumber, offer: JSONValue)
    case answerCall(target: ExtensionNumber, answer: JSONValue)
    case iceCandidate(target: ExtensionNumber, candidate: JSONValue)
    case endCall(target: ExtensionNumber)

    struct Refusal: Error, Equatable {
        var code: SignalingErrorCode
        var message: String
    }

    /// The events this protocol understands.
    static let events = ["call-user", "answer-call", "ice-candidate", "end-call"]

    /// The largest SDP accepted; an audio call's SDP is a few kilobytes.
    static let maximumSDPBytes = 64 * 1024
    /// The largest candidate line accepted (RFC 8839 lines are well under 1 KiB).
    static let maximumCandidateBytes = 2048

    static func parse(event: String, arguments: [JSONValue]) throws(Refusal) -> SignalingRequest {
        guard let body = arguments.first?.objectValue else {
            throw Refusal(code: .invalidPayload, message: "\(event) expects an object with targetExtension")
        }
        guard let targetText = body["targetExtension"]?.stringValue, let target = ExtensionNumber(targetText) else {
            throw Refusal(code: .invalidExtension, message: "targetExtension must look like 123-456")
        }
        switch event {
        case "call-user": return .callUser(target: target, offer: try description(body["offer"], type: "offer"))
        case "answer-call": return .answerCall(target: target, answer: try description(body["answer"], type: "answer"))
        case "ice-candidate": return .iceCandidate(target: target, candidate: try candidate(body["candidate"]))
        case "end-call": return .endCall(target: target)
        default: throw Refusal(code: .invalidPayload, message: "unknown event \(event)")
        }
    }

    /// An `RTCSessionDescriptionInit`: `{type, sdp}` with the expected type and an SDP that
    /// starts with its version line (RFC 8866 §5.1).
    static func description(_ value: JSONValue?, type: String) throws(Refusal) -> JSONValue {
        guard let object = value?.objectValue, object["type"]?.stringValue == type else {
            throw Refusal(code: .invalidPayload, message: "\(type) must be an object with type \"\(type)\" and sdp")
        }
        guard let sdp = object["sdp"]?.stringValue, sdp.hasPrefix("v=0") else {
            throw Refusal(code: .invalidPayload, message: "\(type).sdp must be an SDP session description starting with v=0")
        }
        guard sdp.utf8.count <= maximumSDPBytes else {
            throw Refusal(code: .invalidPayload, message: "\(type).sdp is larger than \(maximumSDPBytes) bytes")
        }
        return .object(["type": .string(type), "sdp": .string(sdp)])
    }

    /// An `RTCIceCandidateInit`: `candidate` is a candidate line (or empty, end of
    /// candidates); `sdpMid`, `sdpMLineIndex` and `usernameFragment` are optional.
    static func candidate(_ value: JSONValue?) throws(Refusal) -> JSONValue {
        guard let object = value?.objectValue, let line = object["candidate"]?.stringValue else {
            throw Refusal(code: .invalidPayload, message: "candidate must be an object with a candidate string")
        }
        guard line.isEmpty || line.hasPrefix("candidate:"), line.utf8.count <= maximumCandidateBytes else {
            throw Refusal(code: .invalidPayload, message: "candidate.candidate must be an ICE candidate line (candidate:…)")
        }
        var clean: [String: JSONValue] = ["candidate": .string(line)]
        if let mid = object["sdpMid"], mid != .null {
            guard let text = mid.stringValue, text.utf8.count <= 64 else {
                throw Refusal(code: .invalidPayload, message: "candidate.sdpMid must be a short string")
            }
            clean["sdpMid"] = .string(text)
        }
        if let index = object["sdpMLineIndex"], index != .null {
            guard let number = index.intValue, (0...1023).contains(number) else {
                throw Refusal(code: .invalidPayload, message: "candidate.sdpMLineIndex must be a small whole number")
            }
            clean["sdpMLineIndex"] = .number(Double(number))
        }
        if let fragment = object["usernameFragment"], fragment != .null {
            guard let text = fragment.stringValue, text.utf8.count <= 256 else {
                throw Refusal(code: .invalidPayload, message: "candidate.usernameFragment must be a short string")
            }
            clean["usernameFragment"] = .string(text)
        }
        return .object(clean)
    }
}
