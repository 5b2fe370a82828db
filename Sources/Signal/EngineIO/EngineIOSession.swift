/// The state of one Engine.IO v4 session, free of I/O: the adapter feeds it requests,
/// packets and the time, and carries out the actions it returns.
///
/// Engine.IO protocol v4: "Handshake", "Heartbeat" (the server pings every
/// `pingInterval` and gives up `pingTimeout` after an unanswered ping, as the reference
/// server does), "Upgrade" (probe `2probe`/`3probe`, `noop` to the pending poll, then
/// `5`), and "Sending and receiving data" (one `GET` and one `POST` at a time).
/// Outgoing packets wait in a buffer bounded by `maxBufferedBytes`.
public struct EngineIOSession: Sendable {
    /// What the adapter must do after an event.
    public enum Action: Sendable, Equatable {
        /// Hand this message to the application (Socket.IO).
        case deliver(EngineIOData)
        /// Answer the pending long-polling `GET` with these packets.
        case completePoll([EngineIOPacket])
        /// Answer the pending long-polling `GET` with this HTTP error.
        case failPoll(EngineIOError)
        /// Packets wait for the WebSocket writer: wake it up.
        case flushWebSocket
        /// Write this packet on the WebSocket that is probing for an upgrade.
        case sendOnProbe(EngineIOPacket)
        /// Close the probing WebSocket: the upgrade failed or timed out.
        case closeProbe
        /// The upgrade completed: the probing WebSocket is now the session's transport.
        case upgraded
        /// The session is over: forget it, close its transport, tell the application.
        case closed(EngineIOCloseReason)
    }

    /// How the adapter answers a long-polling `GET`.
    public enum PollOutcome: Sendable, Equatable {
        /// Respond right away with these packets.
        case respond([EngineIOPacket])
        /// Hold the request until a `completePoll` action answers it.
        case wait
        /// Refuse the request; `actions` must still be carried out.
        case reject(EngineIOError, actions: [Action])
    }

    enum Phase: Sendable, Equatable {
        case open
        /// Closed while a polling client has no pending `GET`: the next `GET` (or the
        /// deadline) ends it, and gets what a pending one would have got — the buffered
        /// packets and `close` after a server close, `noop` after the client's `close`
        /// (whose `POST` may overtake the `GET` it sent first).
        case closing(deadline: ContinuousClock.Instant, reason: EngineIOCloseReason)
        case closed
    }

    enum Upgrade: Sendable, Equatable {
        case none
        case probing(deadline: ContinuousClock.Instant)
    }

    public let id: String
    public internal(set) var transport: EngineIOTransport
    let configuration: EngineIOConfiguration
    var phase: Phase = .open
    var upgrade: Upgrade = .none
    var pollPending = false
    var postPending = false
    /// The probe was answered; a repeated `2probe` is ignored, so a client cannot make the
    /// server queue replies without end.
    var probeAnswered = false
    /// Set while a `GET` that arrived during the upgrade waits (see `poll(now:)`).
    var midUpgradePollDeadline: ContinuousClock.Instant?
    private var outgoing: [EngineIOPacket] = []
    private(set) var outgoingBytes = 0
    private var nextPingAt: ContinuousClock.Instant?
    /// When the last ping was due: the next one is due pingInterval after it ("the server
    /// sends a PING packet every pingInterval"), however late the pong came.
    private var lastPingDue: ContinuousClock.Instant?
    private var pongDeadline: ContinuousClock.Instant?

    public init(id: String, transport: EngineIOTransport, configuration: EngineIOConfiguration, now: ContinuousClock.Instant) {
        self.id = id
        self.transport = transport
        self.configuration = configuration
        self.nextPingAt = now + .milliseconds(configuration.pingInterval)
    }

    /// The `open` packet the adapter sends first (as the handshake response body, or the first frame).
    public var handshake: EngineIOHandshake {
        EngineIOHandshake(sid: id, transport: transport, configuration: configuration)
    }

    public var isClosed: Bool { phase == .closed }

    /// When `tick` next has work to do; `nil` once closed.
    public var nextDeadline: ContinuousClock.Instant? {
        var deadlines: [ContinuousClock.Instant] = []
        switch phase {
        case .closed: return nil
        case .closing(let deadline, _): return deadline
        case .open: break
        }
        if let nextPingAt { deadlines.append(nextPingAt) }
        if let pongDeadline { deadlines.append(pongDeadline) }
        if case .probing(let deadline) = upgrade { deadlines.append(deadline) }
        if let midUpgradePollDeadline { deadlines.append(midUpgradePollDeadline) }
        return deadlines.min()
    }

    // MARK: - Time

    /// Sends due pings, and closes on a missed pong or an expired upgrade or graceful close.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        switch phase {
        case .closed:
            return []
        case .closing(let deadline, let reason):
            return now >= deadline ? finishClosing(reason) : []
        case .open:
            break
        }
        if let pongDeadline, now >= pongDeadline {
            return close(.pingTimeout)
        }
        var actions: [Action] = []
        if case .probing(let deadline) = upgrade, now >= deadline {
            upgrade = .none
            midUpgradePollDeadline = nil
            actions.append(.closeProbe)
        }
        if let midUpgradePollDeadline, now >= midUpgradePollDeadline {
            self.midUpgradePollDeadline = nil
            pollPending = false
            actions.append(.completePoll([.noop]))
        }
        if let nextPingAt, now >= nextPingAt {
            self.nextPingAt = nil
            lastPingDue = nextPingAt
            // A ping that goes out now (WebSocket, waiting poll) gives the client its full
            // pingTimeout from now, even when the timer fired late. One that must wait in
            // the buffer for the next poll counts from when it was due, so a late timer does
            // not stretch a silent client's heartbeat past pingInterval + pingTimeout.
            let goesOutNow = transport == .websocket || (pollPending && upgrade == .none)
            pongDeadline = (goesOutNow ? now : nextPingAt) + .milliseconds(configuration.pingTimeout)
            actions += enqueue(.ping(""))
        }
        return actions
    }

    // MARK: - Sending

    /// Queues a packet for the client; closes the session when the buffer bound is passed.
    public mutating func send(_ packet: EngineIOPacket) -> [Action] {
        guard phase == .open else { return [] }
        return enqueue(packet)
    }

    private mutating func enqueue(_ packet: EngineIOPacket) -> [Action] {
        let size = packet.encodedByteCount + 1
        guard outgoingBytes + size <= configuration.maxBufferedBytes else {
            return close(.bufferOverflow)
        }
        let wasEmpty = outgoing.isEmpty
        outgoing.append(packet)
        outgoingBytes += size
        switch transport {
        case .websocket:
            return wasEmpty ? [.flushWebSocket] : []
        case .polling:
            guard pollPending, upgrade == .none else { return [] }
            pollPending = false
            return [.completePoll(drain(limit: configuration.maxPayload))]
        }
    }

    /// Takes buffered packets, oldest first, up to `limit` encoded bytes (at least one).
    mutating func drainForPolling(limit: Int) -> [EngineIOPacket] {
        drain(limit: limit)
    }

    private mutating func drain(limit: Int) -> [EngineIOPacket] {
        var taken = 0
        var bytes = 0
        for packet in outgoing {
            let size = packet.encodedByteCount + 1
            if taken > 0, bytes + size > limit { break }
            taken += 1
            bytes += size
        }
        let packets = Array(outgoing.prefix(taken))
        outgoing.removeFirst(taken)
        outgoingBytes -= bytes
        return packets
    }

    /// Everything the WebSocket handler should write now (WebSocket sessions only).
    public mutating func drainForWebSocket() -> [EngineIOPacket] {
        guard transport == .websocket, !outgoing.isEmpty else { return [] }
        defer {
            outgoing.removeAll(keepingCapacity: true)
            outgoingBytes = 0
        }
        return outgoing
    }

    // MARK: - Receiving

    /// Handles a packet that arrived on the session's current transport.
    public mutating func receive(_ packet: EngineIOPacket, now: ContinuousClock.Instant) -> [Action] {
        guard phase == .open else { return [] }
        switch packet {
        case .message(let data):
            return [.deliver(data)]
        case .pong:
            pongDeadline = nil
            nextPingAt = max(now, (lastPingDue ?? now) + .milliseconds(configuration.pingInterval))
            return []
        case .close:
            return close(.clientClosed, now: now)
        case .ping, .noop, .upgrade:
            // A v4 client never pings outside the probe; stray packets are harmless.
            return []
        case .open:
            return close(.parseError)
        }
    }

    /// The client sent bytes that are not a packet: the reference server closes the session.
    public mutating func receiveMalformed() -> [Action] {
        close(.parseError)
    }

    // MARK: - Closing

    /// Closes the session. A server-side close (`.serverClosed`) first delivers what is
    /// buffered; every other reason drops it.
    public mutating func close(_ reason: EngineIOCloseReason, now: ContinuousClock.Instant? = nil) -> [Action] {
        guard phase == .open else { return [] }
        var actions: [Action] = []
        if case .probing = upgrade {
            upgrade = .none
            actions.append(.closeProbe)
        }
        if transport == .polling, !pollPending, let now {
            if reason == .serverClosed, !outgoing.isEmpty {
                phase = .closing(deadline: now + .milliseconds(configuration.pingTimeout), reason: reason)
                return actions
            }
            if reason == .clientClosed {
                outgoing.removeAll()
                outgoingBytes = 0
                phase = .closing(deadline: now + .milliseconds(min(configuration.pingTimeout, 1_000)), reason: reason)
                return actions
            }
        }
        if transport == .polling, pollPending {
            pollPending = false
            // The reference server ends a pending poll with `noop` when the client asked
            // to close, and with a `close` packet when the server decided it.
            switch reason {
            case .clientClosed:
                actions.append(.completePoll([.noop]))
            case .serverClosed:
                actions.append(.completePoll(drain(limit: .max) + [.close]))
            default:
                actions.append(.completePoll([.close]))
            }
        }
        if reason != .serverClosed || transport == .polling {
            outgoing.removeAll()
            outgoingBytes = 0
        }
        return actions + finish(reason)
    }

    mutating func finishClosing(_ reason: EngineIOCloseReason) -> [Action] {
        outgoing.removeAll()
        outgoingBytes = 0
        return finish(reason)
    }

    private mutating func finish(_ reason: EngineIOCloseReason) -> [Action] {
        phase = .closed
        midUpgradePollDeadline = nil
        nextPingAt = nil
        pongDeadline = nil
        upgrade = .none
        return [.closed(reason)]
    }
}
