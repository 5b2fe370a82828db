import Foundation

/// Allocate (RFC 8656 §7.2; IPv6 per RFC 6156 and RFC 8656 §7.2 address
/// families). Answered in two steps: the request picks a port and asks the
/// adapter to bind it (`.bindRelay`); `relayBound`/`relayBindFailed` finish.
extension TURNServer {
    static let udpProtocolNumber: UInt8 = 17

    /// Why an Allocate is refused; turned into the reply and counted.
    struct AllocateRefusal: Error {
        var error: STUNErrorCode
        var attributes: [STUNAttribute] = []
    }

    mutating func handleAllocate(
        _ message: STUNMessage, from fiveTuple: FiveTuple, credentials: VerifiedCredentials, now: Date
    ) -> [TURNAction] {
        switch prepareAllocation(message, from: fiveTuple, credentials: credentials, now: now) {
        case .success(let request):
            let id = nextPendingID
            nextPendingID += 1
            pending[id] = request
            pendingByFiveTuple[fiveTuple] = id
            return [.bindRelay(
                id: id, address: TransportAddress(ip: request.relay.bind, port: request.port),
                dontFragment: request.dontFragment)]
        case .failure(let refusal):
            statistics.allocationsRefused[refusal.error.code, default: 0] += 1
            if refusal.error == .unauthorized {
                statistics.authFailures[.expiredUsername, default: 0] += 1
                return [.reply(to: fiveTuple, bytes: challenge(message, .unauthorized, client: fiveTuple.client.ip, now: now))]
            }
            return [.reply(to: fiveTuple, bytes: errorResponse(
                to: message, refusal.error, credentials: credentials, attributes: refusal.attributes))]
        }
    }

    /// RFC 8656 §7.2's checks in order; on success a port is taken and the
    /// request is ready to wait for its socket.
    private mutating func prepareAllocation(
        _ message: STUNMessage, from fiveTuple: FiveTuple, credentials: VerifiedCredentials, now: Date
    ) -> Result<PendingAllocation, AllocateRefusal> {
        // Retransmissions were answered from the response cache already.
        guard allocations[fiveTuple] == nil else { return .failure(AllocateRefusal(error: .allocationMismatch)) }
        guard !credentials.rest.isExpired(at: now) else { return .failure(AllocateRefusal(error: .unauthorized)) }
        guard case .requestedTransport(let transport)? = message.first(.requestedTransport) else {
            return .failure(AllocateRefusal(error: .badRequest))
        }
        guard transport == Self.udpProtocolNumber else {
            return .failure(AllocateRefusal(error: .unsupportedTransportProtocol))
        }
        let family: AddressFamily
        let extra: [STUNAttribute]
        switch addressFamily(of: message) {
        case .success(let choice): (family, extra) = choice
        case .failure(let refusal): return .failure(refusal)
        }
        let port: RelayPort
        switch takeRelayPort(message, family: family, user: credentials.rest.user, now: now) {
        case .success(let taken): port = taken
        case .failure(let refusal): return .failure(refusal)
        }
        return .success(PendingAllocation(
            request: message, fiveTuple: fiveTuple, credentials: credentials, relay: port.relay, port: port.number,
            lifetime: grantedLifetime(message), dontFragment: message.first(.dontFragment) != nil,
            evenPort: message.first(.evenPort) != nil, reservedNextPort: port.reservedNext,
            fromReservation: port.fromReservation, attempts: 1, extraAttributes: extra))
    }

    /// The relay's address family (RFC 8656 §7.2, RFC 6156): REQUESTED-
    /// and ADDITIONAL-ADDRESS-FAMILY exclude each other and RESERVATION-TOKEN
    /// (which brings its own family), and EVEN-PORT excludes the token.
    private func addressFamily(
        of message: STUNMessage
    ) -> Result<(AddressFamily, [STUNAttribute]), AllocateRefusal> {
        let hasToken = message.first(.reservationToken) != nil
        let requested = message.first(.requestedAddressFamily)
        let additional = message.first(.additionalAddressFamily)
        if hasToken, message.first(.evenPort) != nil || requested != nil || additional != nil {
            return .failure(AllocateRefusal(error: .badRequest))
        }
        if requested != nil, additional != nil { return .failure(AllocateRefusal(error: .badRequest)) }
        var family = AddressFamily.ipv4
        var extra: [STUNAttribute] = []
        if case .requestedAddressFamily(let raw)? = requested {
            guard let chosen = AddressFamily(rawValue: raw) else {
                return .failure(AllocateRefusal(error: .addressFamilyNotSupported))
            }
            family = chosen
        }
        if case .additionalAddressFamily(let raw)? = additional {
            guard raw == AddressFamily.ipv6.rawValue else { return .failure(AllocateRefusal(error: .badRequest)) }
            // Dual allocations are not offered: relay IPv4, say why not IPv6.
            extra.append(.addressErrorCode(family: raw, error: STUNErrorCode(
                code: 440, reason: "Dual allocation not supported")))
        }
        if !hasToken, configuration.relayAddress(for: family) == nil {
            return .failure(AllocateRefusal(error: .addressFamilyNotSupported))
        }
        return .success((family, extra))
    }

    private struct RelayPort {
        var relay: RelayAddress
        var number: UInt16
        var reservedNext: Bool
        var fromReservation: Bool
    }

    /// A port from a RESERVATION-TOKEN, or a random (even, paired) one, with the
    /// user's quota slots taken for it: one, and one more for a reserved second port.
    private func takeRelayPort(
        _ message: STUNMessage, family: AddressFamily, user: String, now: Date
    ) -> Result<RelayPort, AllocateRefusal> {
        if case .reservationToken(let bytes)? = message.first(.reservationToken) {
            return claimReservedPort(bytes, user: user, now: now)
        }
        let slots = Self.reservesNextPort(message) ? 2 : 1
        switch resources.admit(user: user, slots: slots) {
        case .admitted: break
        case .userQuotaReached: return .failure(AllocateRefusal(error: .allocationQuotaReached))
        case .capacityReached: return .failure(AllocateRefusal(error: .insufficientCapacity))
        }
        let reserveNext = Self.reservesNextPort(message)
        guard let relay = configuration.relayAddress(for: family),
              let port = resources.takePort(family: family, even: message.first(.evenPort) != nil, pair: reserveNext)
        else {
            resources.release(user: user, slots: slots)
            return .failure(AllocateRefusal(error: .insufficientCapacity))
        }
        return .success(RelayPort(relay: relay, number: port, reservedNext: reserveNext, fromReservation: false))
    }

    /// RFC 8656 §7.2: a token names a port reserved by an earlier EVEN-PORT; unknown,
    /// used or lapsed tokens get 508.
    private func claimReservedPort(_ bytes: [UInt8], user: String, now: Date) -> Result<RelayPort, AllocateRefusal> {
        var reader = ByteReader(bytes)
        guard let token = reader.readUInt64() else { return .failure(AllocateRefusal(error: .insufficientCapacity)) }
        switch resources.claim(token, by: user, now: now) {
        case .failure(.userQuotaReached): return .failure(AllocateRefusal(error: .allocationQuotaReached))
        case .failure(.noReservation): return .failure(AllocateRefusal(error: .insufficientCapacity))
        case .success(let reservation):
            guard let relay = configuration.relayAddress(for: reservation.family) else {
                resources.releasePort(family: reservation.family, reservation.port)
                resources.release(user: user)
                return .failure(AllocateRefusal(error: .insufficientCapacity))
            }
            return .success(RelayPort(relay: relay, number: reservation.port, reservedNext: false, fromReservation: true))
        }
    }

    /// EVEN-PORT with its R bit set: keep the next port for a RESERVATION-TOKEN.
    static func reservesNextPort(_ message: STUNMessage) -> Bool {
        if case .evenPort(true)? = message.first(.evenPort) { return true }
        return false
    }

    /// The adapter bound the relay socket: the allocation exists from now.
    mutating func relayBound(id: UInt64, now: Date) -> [TURNAction] {
        guard let request = pending.removeValue(forKey: id) else { return [] }
        pendingByFiveTuple.removeValue(forKey: request.fiveTuple)
        let relayed = TransportAddress(ip: request.relay.bind, port: request.port)
        let allocation = Allocation(
            fiveTuple: request.fiveTuple, relayed: relayed,
            advertised: TransportAddress(ip: request.relay.advertised, port: request.port),
            username: request.credentials.username, user: request.credentials.rest.user,
            credentialExpiry: Date(timeIntervalSince1970: Double(request.credentials.rest.expiry)),
            createdAt: now, expiresAt: now.addingTimeInterval(request.lifetime.seconds),
            dontFragment: request.dontFragment,
            bandwidth: configuration.bandwidthLimit.map { TokenBucket(bytesPerSecond: $0, now: now) },
            requests: TokenBucket(
                bytesPerSecond: configuration.allocationRequestRate, burst: configuration.allocationRequestBurst, now: now))
        allocations.insert(allocation)
        statistics.allocationsCreated += 1
        expiries.schedule(.allocation(request.fiveTuple), at: allocation.expiresAt)

        var attributes: [STUNAttribute] = [
            .xorRelayedAddress(allocation.advertised),
            .lifetime(UInt32(clamping: request.lifetime.components.seconds)),
        ]
        if request.reservedNextPort {
            let expiresAt = now.addingTimeInterval(configuration.reservationLifetime.seconds)
            let token = resources.reserve(
                family: relayed.family, port: request.port + 1, until: expiresAt, user: allocation.user)
            allocations.modify(request.fiveTuple) { $0.reservation = token }
            expiries.schedule(.reservation(token), at: expiresAt)
            var bytes: [UInt8] = []
            bytes.appendUInt64(token)
            attributes.append(.reservationToken(bytes))
        }
        attributes.append(.xorMappedAddress(request.fiveTuple.client))
        attributes += request.extraAttributes
        return [reply(to: request, successResponse(
            to: request.request, credentials: request.credentials, attributes: attributes), now: now)]
    }

    /// The adapter could not bind the port (in use by another program): try
    /// other ports a few times, then answer 508.
    mutating func relayBindFailed(id: UInt64, now: Date) -> [TURNAction] {
        guard var request = pending[id] else { return [] }
        let family = request.relay.bind.family
        resources.releasePort(family: family, request.port)
        if request.reservedNextPort { resources.releasePort(family: family, request.port + 1) }
        if !request.fromReservation, request.attempts < Self.maximumBindAttempts,
           let port = resources.takePort(family: family, even: request.evenPort, pair: request.reservedNextPort) {
            request.port = port
            request.attempts += 1
            pending[id] = request
            return [.bindRelay(
                id: id, address: TransportAddress(ip: request.relay.bind, port: port), dontFragment: request.dontFragment)]
        }
        pending.removeValue(forKey: id)
        pendingByFiveTuple.removeValue(forKey: request.fiveTuple)
        resources.release(user: request.credentials.rest.user, slots: request.quotaSlots)
        statistics.allocationsRefused[STUNErrorCode.insufficientCapacity.code, default: 0] += 1
        return [reply(to: request, errorResponse(
            to: request.request, .insufficientCapacity, credentials: request.credentials), now: now)]
    }

    /// Answers a pending Allocate and remembers the answer for retransmissions.
    private mutating func reply(to request: PendingAllocation, _ bytes: [UInt8], now: Date) -> TURNAction {
        let key = ResponseCache.Key(fiveTuple: request.fiveTuple, transactionID: request.request.transactionID)
        responses.store(bytes, for: key, now: now)
        return .reply(to: request.fiveTuple, bytes: bytes)
    }
}
