/// Encoding of attribute values, the mirror of `STUNAttribute+Decoding`.
extension STUNAttribute {
    /// Appends type, length, value and padding (RFC 8489 §14).
    func encode(into bytes: inout [UInt8], transactionID: STUNTransactionID, paddingByte: UInt8) {
        bytes.appendUInt16(type.rawValue)
        let lengthIndex = bytes.count
        bytes.appendUInt16(0)
        let valueStart = bytes.count
        encodeValue(into: &bytes, transactionID: transactionID)
        let length = bytes.count - valueStart
        bytes.setUInt16(UInt16(truncatingIfNeeded: length), at: lengthIndex)
        bytes.append(contentsOf: repeatElement(paddingByte, count: stunPadding(length)))
    }

    private func encodeValue(into bytes: inout [UInt8], transactionID: STUNTransactionID) {
        switch self {
        case .mappedAddress(let address), .alternateServer(let address):
            address.encodeSTUNValue(into: &bytes, xorWith: nil)
        case .xorMappedAddress(let address), .xorPeerAddress(let address), .xorRelayedAddress(let address):
            address.encodeSTUNValue(into: &bytes, xorWith: transactionID)
        case .username(let text), .realm(let text), .nonce(let text), .software(let text),
             .alternateDomain(let text):
            bytes.append(contentsOf: text.utf8)
        case .userhash(let value), .data(let value), .reservationToken(let value):
            bytes.append(contentsOf: value)
        case .errorCode(let error):
            bytes.appendUInt16(0)
            bytes.append(UInt8(truncatingIfNeeded: error.code / 100))
            bytes.append(UInt8(truncatingIfNeeded: error.code % 100))
            bytes.append(contentsOf: error.reason.utf8)
        case .unknownAttributes(let types):
            for type in types { bytes.appendUInt16(type.rawValue) }
        case .passwordAlgorithms(let algorithms):
            for algorithm in algorithms { Self.encode(algorithm, into: &bytes) }
        case .passwordAlgorithm(let algorithm):
            Self.encode(algorithm, into: &bytes)
        case .lifetime(let seconds), .priority(let seconds):
            bytes.appendUInt32(seconds)
        case .requestedTransport(let value):
            bytes.append(value)
            bytes.append(contentsOf: [0, 0, 0])
        case .dontFragment, .useCandidate:
            break
        case .channelNumber(let number):
            bytes.appendUInt16(number)
            bytes.appendUInt16(0)
        case .evenPort(let reserveNextPort):
            bytes.append(reserveNextPort ? 0x80 : 0)
        case .requestedAddressFamily(let family), .additionalAddressFamily(let family):
            bytes.append(family)
            bytes.append(contentsOf: [0, 0, 0])
        case .addressErrorCode(let family, let error):
            bytes.append(family)
            bytes.append(0)
            bytes.append(UInt8(truncatingIfNeeded: error.code / 100))
            bytes.append(UInt8(truncatingIfNeeded: error.code % 100))
            bytes.append(contentsOf: error.reason.utf8)
        case .icmp(let icmpType, let code, let data):
            bytes.appendUInt16(0)
            bytes.append(icmpType)
            bytes.append(code)
            bytes.appendUInt32(data)
        case .iceControlled(let tieBreaker), .iceControlling(let tieBreaker):
            bytes.appendUInt64(tieBreaker)
        case .unknown(_, let value):
            bytes.append(contentsOf: value)
        }
    }

    private static func encode(_ algorithm: PasswordAlgorithm, into bytes: inout [UInt8]) {
        bytes.appendUInt16(algorithm.number)
        bytes.appendUInt16(UInt16(truncatingIfNeeded: algorithm.parameters.count))
        bytes.append(contentsOf: algorithm.parameters)
        bytes.append(contentsOf: repeatElement(0, count: stunPadding(algorithm.parameters.count)))
    }
}
