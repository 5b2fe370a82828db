/// Binding (RFC 8489 §6.3): answered without credentials on every listener.
extension TURNServer {
    /// XOR-MAPPED-ADDRESS only, FINGERPRINT only if asked for: the answer
    /// stays about the size of the request, so the relay is no amplifier.
    func handleBinding(_ received: ReceivedSTUNMessage, from fiveTuple: FiveTuple) -> TURNAction {
        let message = received.message
        let unknown = message.unknownComprehensionRequired
        guard unknown.isEmpty else {
            return .reply(to: fiveTuple, bytes: errorResponse(
                to: message, .unknownAttribute, attributes: [.unknownAttributes(unknown)]))
        }
        let response = STUNMessage(
            type: STUNMessageType(method: .binding, messageClass: .successResponse),
            transactionID: message.transactionID,
            attributes: [.xorMappedAddress(fiveTuple.client)])
        return .reply(to: fiveTuple, bytes: response.encode(fingerprint: received.hasFingerprint))
    }
}
