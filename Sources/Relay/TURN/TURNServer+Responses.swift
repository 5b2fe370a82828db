/// Building responses: every STUN ERROR-CODE the relay sends is produced
/// here, so the mapping from outcome to wire stays in one place (STYLE.md
/// habit 4).
extension TURNServer {
    /// An error response; signed when the request was authenticated.
    func errorResponse(
        to request: STUNMessage, _ error: STUNErrorCode,
        credentials: VerifiedCredentials? = nil, attributes: [STUNAttribute] = []
    ) -> [UInt8] {
        let response = STUNMessage(
            type: STUNMessageType(method: request.method, messageClass: .errorResponse),
            transactionID: request.transactionID,
            attributes: [.errorCode(error)] + attributes)
        return encode(response, credentials: credentials)
    }

    /// A success response signed with the request's credentials.
    func successResponse(
        to request: STUNMessage, credentials: VerifiedCredentials?, attributes: [STUNAttribute]
    ) -> [UInt8] {
        let response = STUNMessage(
            type: STUNMessageType(method: request.method, messageClass: .successResponse),
            transactionID: request.transactionID, attributes: attributes)
        return encode(response, credentials: credentials)
    }

    private func encode(_ response: STUNMessage, credentials: VerifiedCredentials?) -> [UInt8] {
        guard let credentials else { return response.encode() }
        return response.encode(
            integrity: credentials.kind.integrity(key: credentials.key), fingerprint: credentials.fingerprint)
    }
}
