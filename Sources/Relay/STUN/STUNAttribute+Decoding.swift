/// Decoding of attribute values; each rule cites the section defining it.
/// A known attribute whose value breaks its definition throws
/// `.malformedAttribute`; an unknown one is kept as `.unknown`.
extension STUNAttribute {
    /// RFC 8489 §14.3 (USERNAME, 513 bytes) and §14.9–14.10 and §14.14
    /// (REALM, NONCE, SOFTWARE: under 128 characters, at most 763 bytes).
    static let usernameLimit = 513
    static let textLimit = 763

    static func decode(
        type: STUNAttributeType, value: [UInt8], transactionID: STUNTransactionID
    ) throws(STUNDecodingError) -> STUNAttribute {
        let malformed = STUNDecodingError.malformedAttribute(type)
        func address(xor: Bool) throws(STUNDecodingError) -> TransportAddress {
            guard let address = TransportAddress.decode(stunValue: value, xorWith: xor ? transactionID : nil) else {
                throw malformed
            }
            return address
        }
        func text(limit: Int) throws(STUNDecodingError) -> String {
            guard value.count <= limit, let string = String(validating: value, as: UTF8.self) else {
                throw malformed
            }
            return string
        }
        func fixed(_ count: Int) throws(STUNDecodingError) -> ByteReader {
            guard value.count == count else { throw malformed }
            return ByteReader(value)
        }
        switch type {
        case .mappedAddress: return .mappedAddress(try address(xor: false))
        case .alternateServer: return .alternateServer(try address(xor: false))
        case .xorMappedAddress: return .xorMappedAddress(try address(xor: true))
        case .xorPeerAddress: return .xorPeerAddress(try address(xor: true))
        case .xorRelayedAddress: return .xorRelayedAddress(try address(xor: true))
        case .username: return .username(try text(limit: usernameLimit))
        case .realm: return .realm(try text(limit: textLimit))
        case .nonce: return .nonce(try text(limit: textLimit))
        case .software: return .software(try text(limit: textLimit))
        case .alternateDomain: return .alternateDomain(try text(limit: 255))
        case .userhash:
            guard value.count == 32 else { throw malformed }
            return .userhash(value)
        case .errorCode:
            // §14.8: 21 reserved bits, class (3..6) in 3 bits, number (0..99).
            var reader = ByteReader(value)
            guard value.count >= 4, value.count <= 4 + textLimit,
                  let word = reader.readUInt32(),
                  case let errorClass = UInt16((word >> 8) & 0x7), (3...6).contains(errorClass),
                  case let number = UInt16(word & 0xFF), number < 100,
                  let reason = String(validating: value[4...], as: UTF8.self)
            else { throw malformed }
            return .errorCode(STUNErrorCode(code: errorClass * 100 + number, reason: reason))
        case .unknownAttributes:
            guard value.count % 2 == 0 else { throw malformed }
            var reader = ByteReader(value)
            var types: [STUNAttributeType] = []
            while let raw = reader.readUInt16() { types.append(STUNAttributeType(rawValue: raw)) }
            return .unknownAttributes(types)
        case .passwordAlgorithms:
            var reader = ByteReader(value)
            var algorithms: [PasswordAlgorithm] = []
            while reader.remaining > 0 {
                guard let algorithm = Self.readPasswordAlgorithm(&reader) else { throw malformed }
                algorithms.append(algorithm)
            }
            guard !algorithms.isEmpty else { throw malformed }
            return .passwordAlgorithms(algorithms)
        case .passwordAlgorithm:
            var reader = ByteReader(value)
            guard let algorithm = Self.readPasswordAlgorithm(&reader), reader.remaining == 0 else { throw malformed }
            return .passwordAlgorithm(algorithm)
        case .lifetime:
            var reader = try fixed(4)
            guard let seconds = reader.readUInt32() else { throw malformed }
            return .lifetime(seconds)
        case .requestedTransport:
            // §18.7: protocol number, then 24 RFFU bits.
            var reader = try fixed(4)
            guard let proto = reader.readUInt8() else { throw malformed }
            return .requestedTransport(proto)
        case .dontFragment:
            guard value.isEmpty else { throw malformed }
            return .dontFragment
        case .data:
            return .data(value)
        case .channelNumber:
            // §18.1: channel number then 16 RFFU bits.
            var reader = try fixed(4)
            guard let number = reader.readUInt16() else { throw malformed }
            return .channelNumber(number)
        case .evenPort:
            var reader = try fixed(1)
            guard let flags = reader.readUInt8() else { throw malformed }
            return .evenPort(reserveNextPort: flags & 0x80 != 0)
        case .reservationToken:
            guard value.count == 8 else { throw malformed }
            return .reservationToken(value)
        case .requestedAddressFamily, .additionalAddressFamily:
            var reader = try fixed(4)
            guard let family = reader.readUInt8() else { throw malformed }
            return type == .requestedAddressFamily ? .requestedAddressFamily(family) : .additionalAddressFamily(family)
        case .addressErrorCode:
            // RFC 8656 §18.12: family, 5 reserved bits, class, number, reason.
            var reader = ByteReader(value)
            guard value.count >= 4, value.count <= 4 + textLimit,
                  let family = reader.readUInt8(), let _ = reader.readUInt8(),
                  let errorClass = reader.readUInt8().map({ UInt16($0 & 0x7) }), (3...6).contains(errorClass),
                  let number = reader.readUInt8().map(UInt16.init), number < 100,
                  let reason = String(validating: value[4...], as: UTF8.self)
            else { throw malformed }
            return .addressErrorCode(family: family, error: STUNErrorCode(code: errorClass * 100 + number, reason: reason))
        case .icmp:
            // RFC 8656 §18.13: 16 reserved bits, type, code, error data.
            var reader = try fixed(8)
            guard reader.skip(2), let icmpType = reader.readUInt8(), let code = reader.readUInt8(),
                  let data = reader.readUInt32()
            else { throw malformed }
            return .icmp(type: icmpType, code: code, data: data)
        case .priority:
            var reader = try fixed(4)
            guard let priority = reader.readUInt32() else { throw malformed }
            return .priority(priority)
        case .useCandidate:
            guard value.isEmpty else { throw malformed }
            return .useCandidate
        case .iceControlled, .iceControlling:
            var reader = try fixed(8)
            guard let tieBreaker = reader.readUInt64() else { throw malformed }
            return type == .iceControlled ? .iceControlled(tieBreaker) : .iceControlling(tieBreaker)
        default:
            return .unknown(type: type, value: value)
        }
    }

    /// §14.11: number, parameter length, parameters padded to four bytes.
    private static func readPasswordAlgorithm(_ reader: inout ByteReader) -> PasswordAlgorithm? {
        guard let number = reader.readUInt16(), let length = reader.readUInt16(),
              let parameters = reader.readBytes(Int(length)), reader.skip(stunPadding(Int(length)))
        else { return nil }
        return PasswordAlgorithm(number: number, parameters: parameters)
    }
}
