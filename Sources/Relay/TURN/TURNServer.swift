import Foundation

/// The TURN server state machine (RFC 8656, RFC 6156 for IPv6), sans-IO.
///
/// Inputs are bytes from a 5-tuple, relay socket events and `now`; outputs
/// are `TURNAction`s for the adapter to carry out. It owns allocations, the
/// response cache and the single `ExpiryQueue` that drives every lifetime;
/// ports, reservations and quotas live in the shared `RelayResources`. One instance serves one shard
/// (one event loop); it is a value, so tests drive it with explicit time.
///
/// Per-method behaviour lives in `TURNServer+<Method>.swift`; the per-packet
/// paths (ChannelData, peer datagrams) in `TURNServer+Relaying.swift`.
struct TURNServer: Sendable {
    /// What an expiry entry refers to; checked against live state when it
    /// surfaces (see `ExpiryQueue`).
    enum ExpiryTarget: Hashable, Sendable {
        case allocation(FiveTuple)
        case permission(FiveTuple, IPAddress)
        case channel(FiveTuple, UInt16)
        case reservation(UInt64)
    }

    /// An Allocate waiting for its relay socket to be bound.
    struct PendingAllocation: Sendable {
        var request: STUNMessage
        var fiveTuple: FiveTuple
        var credentials: VerifiedCredentials
        var relay: RelayAddress
        var port: UInt16
        var lifetime: Duration
        var dontFragment: Bool
        var evenPort: Bool
        /// Odd port held for a RESERVATION-TOKEN (EVEN-PORT with R bit).
        var reservedNextPort: Bool
        /// Whether the port came from a reservation (do not retry elsewhere).
        var fromReservation: Bool
        var attempts: Int
        var extraAttributes: [STUNAttribute]

        /// Quota slots it holds: its own, and one for the port it reserves.
        var quotaSlots: Int { reservedNextPort ? 2 : 1 }
    }

    let configuration: TURNConfiguration
    let nonces: NonceIssuer
    var allocations = AllocationTable()
    /// Ports, reservations and quotas, shared with the other shards.
    let resources: RelayResources
    var pending: [UInt64: PendingAllocation] = [:]
    var pendingByFiveTuple: [FiveTuple: UInt64] = [:]
    var nextPendingID: UInt64 = 1
    var expiries = ExpiryQueue<ExpiryTarget>()
    var responses: ResponseCache
    var statistics = TURNStatistics()

    static let maximumBindAttempts = 3

    init(configuration: TURNConfiguration, resources: RelayResources? = nil) {
        self.configuration = configuration
        self.resources = resources ?? RelayResources(configuration: configuration)
        self.nonces = NonceIssuer(secret: configuration.secret, validity: configuration.nonceValidity)
        self.responses = ResponseCache(
            lifetime: configuration.responseCacheLifetime, capacity: configuration.responseCacheCapacity)
    }

    /// The earliest moment `expire(now:)` has work, for a single timer.
    var nextDeadline: Date? { expiries.nextDeadline }

    /// Handles one STUN message from a client (a datagram, or one frame cut
    /// by `StreamFrame`). Never traps on malformed bytes.
    mutating func handleSTUN(_ bytes: [UInt8], from fiveTuple: FiveTuple, now: Date) -> [TURNAction] {
        var actions = dispatch(bytes, from: fiveTuple, now: now)
        if fiveTuple.transport == .udp { actions = Self.boundingAmplification(actions, request: bytes.count) }
        for case .drop(let reason) in actions { statistics.recordDrop(reason) }
        return actions
    }

    /// Answers sent to where an unauthenticated UDP request claims to come from may be at
    /// most `amplificationLimit` times its size, or the relay reflects floods at spoofed
    /// victims (docs/relay.md "Security"). Every answer of the relay to an unauthenticated
    /// request is built to fit (`challenge`, `refuseUnsigned`); this drops what a long
    /// configured realm would push over, and answers to signed requests are larger than
    /// any answer they get.
    static let amplificationLimit = 3

    private static func boundingAmplification(_ actions: [TURNAction], request: Int) -> [TURNAction] {
        actions.map { action in
            guard case .reply(_, let bytes) = action, bytes.count > amplificationLimit * request else { return action }
            return .drop(.amplification)
        }
    }

    private mutating func dispatch(_ bytes: [UInt8], from fiveTuple: FiveTuple, now: Date) -> [TURNAction] {
        let received: ReceivedSTUNMessage
        do throws(STUNDecodingError) {
            received = try ReceivedSTUNMessage(decoding: bytes)
        } catch .malformedAttribute {
            // RFC 8489 §6.3.1: a request with a malformed attribute gets 400.
            guard let header = try? STUNHeader(decoding: bytes), header.type.messageClass == .request else {
                return [.drop(.malformed)]
            }
            let request = STUNMessage(type: header.type, transactionID: header.transactionID)
            return [.reply(to: fiveTuple, bytes: errorResponse(to: request, .badRequest))]
        } catch .fingerprintMismatch {
            return [.drop(.fingerprintMismatch)]
        } catch {
            return [.drop(.malformed)]
        }
        let message = received.message
        switch message.messageClass {
        case .indication:
            return message.method == .send ? [handleSend(message, from: fiveTuple, now: now)] : [.drop(.unexpectedIndication)]
        case .successResponse, .errorResponse:
            return [.drop(.notARequest)]
        case .request:
            break
        }
        if message.method == .binding {
            return [handleBinding(received, from: fiveTuple)]
        }
        let cacheKey = ResponseCache.Key(fiveTuple: fiveTuple, transactionID: message.transactionID)
        if let cached = responses.response(for: cacheKey) {
            return [.reply(to: fiveTuple, bytes: cached)]
        }
        if pendingByFiveTuple[fiveTuple] != nil {
            // The first Allocate is still binding its socket; its answer will follow.
            return [.drop(.allocationPending)]
        }
        // What one allocation's 5-tuple may ask is bounded before any HMAC is computed.
        // A UDP client retransmits later; a TCP client never does, so it hears 508 at once.
        if allocations.modify(fiveTuple, { $0.requests.consume(1, now: now) }) == false {
            guard fiveTuple.transport.isStream else { return [.drop(.requestRateExceeded)] }
            statistics.recordDrop(.requestRateExceeded)
            return [.reply(to: fiveTuple, bytes: errorResponse(to: message, .insufficientCapacity))]
        }
        let (actions, authenticated) = handleRequest(received, from: fiveTuple, now: now)
        // Only answers to authenticated requests are kept for retransmissions: unsigned
        // junk must not evict them (a client whose Allocate answer was lost would get 437).
        if authenticated {
            for case .reply(let destination, let response) in actions where destination == fiveTuple {
                responses.store(response, for: cacheKey, now: now)
            }
        }
        return actions
    }

    /// A TURN request's answer, and whether its credentials were verified.
    private mutating func handleRequest(
        _ received: ReceivedSTUNMessage, from fiveTuple: FiveTuple, now: Date
    ) -> (actions: [TURNAction], authenticated: Bool) {
        let message = received.message
        let knownMethods: [STUNMethod] = [.allocate, .refresh, .createPermission, .channelBind]
        guard knownMethods.contains(message.method) else {
            return ([.reply(to: fiveTuple, bytes: errorResponse(to: message, .badRequest))], false)
        }
        if received.integrityKind == nil, let refusal = refuseUnsigned(message, from: fiveTuple) {
            return ([.reply(to: fiveTuple, bytes: refusal)], false)
        }
        let credentials: VerifiedCredentials
        switch authenticate(received, from: fiveTuple, now: now) {
        case .authenticated(let authenticated): credentials = authenticated
        case .rejected(let response, let reason):
            statistics.authFailures[reason, default: 0] += 1
            return ([.reply(to: fiveTuple, bytes: response)], false)
        }
        let unknown = message.unknownComprehensionRequired
        guard unknown.isEmpty else {
            return ([.reply(to: fiveTuple, bytes: errorResponse(
                to: message, .unknownAttribute, credentials: credentials, attributes: [.unknownAttributes(unknown)]))], true)
        }
        switch message.method {
        case .allocate: return (handleAllocate(message, from: fiveTuple, credentials: credentials, now: now), true)
        case .refresh: return (handleRefresh(message, from: fiveTuple, credentials: credentials, now: now), true)
        case .createPermission:
            return ([handleCreatePermission(message, from: fiveTuple, credentials: credentials, now: now)], true)
        default: return ([handleChannelBind(message, from: fiveTuple, credentials: credentials, now: now)], true)
        }
    }

    /// The small answers to unsigned requests that a challenge would not help: an
    /// Allocate without REQUESTED-TRANSPORT cannot succeed (400, RFC 8656 §7.2), and
    /// the other methods need an allocation this 5-tuple does not have (437, §8.2,
    /// §9.2, §11.2). A challenge (401) goes only where credentials can lead somewhere.
    private func refuseUnsigned(_ message: STUNMessage, from fiveTuple: FiveTuple) -> [UInt8]? {
        if message.method == .allocate {
            return message.first(.requestedTransport) == nil ? errorResponse(to: message, .badRequest) : nil
        }
        return allocations[fiveTuple] == nil ? errorResponse(to: message, .allocationMismatch) : nil
    }
}
