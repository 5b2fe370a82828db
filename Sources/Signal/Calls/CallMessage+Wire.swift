/// The server events of the call protocol as Socket.IO sends them: an event name and one
/// object argument (API reference, "Server → Client Events").
extension CallStateMachine.Message where Payload == JSONValue {
    var event: (name: String, body: JSONValue) {
        switch self {
        case .incomingCall(let from, let offer):
            ("incoming-call", ["from": .string(from.rawValue), "offer": offer])
        case .callMade(let to):
            ("call-made", ["to": .string(to.rawValue)])
        case .answerMade(let from, let answer):
            ("answer-made", ["from": .string(from.rawValue), "answer": answer])
        case .iceCandidateReceived(let from, let candidate):
            ("ice-candidate-received", ["from": .string(from.rawValue), "candidate": candidate])
        case .callEnded(let from, let reason):
            ("call-ended", ["from": .string(from.rawValue), "reason": .string(reason.rawValue)])
        case .error(let code, let message):
            ("error", SignalingErrorCode.body(code, message))
        }
    }
}

extension SignalingErrorCode {
    /// The `error` event's body, `{message, code}`.
    static func body(_ code: SignalingErrorCode, _ message: String) -> JSONValue {
        ["message": .string(message), "code": .string(code.rawValue)]
    }
}
