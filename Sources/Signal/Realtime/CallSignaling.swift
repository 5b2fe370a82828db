import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// The call protocol of the API reference on the Socket.IO main namespace: token check on
/// CONNECT, one live session per extension, `call-user` / `answer-call` / `ice-candidate`
/// / `end-call` in, their server events out, limits on both.
///
/// All call and presence state sits in one `Mutex` around pure values
/// (`CallStateMachine`, `PresenceRegistry`, rate limiters); deliveries happen after the
/// lock is released. As a `Service` it runs the one timer: every second it ends
/// unanswered calls and sessions whose token expired.
public final class CallSignaling: Service, Sendable {
    /// Limits and timeouts of the call protocol (API reference, "WebSocket Rate Limits").
    public struct Configuration: Sendable {
        /// Unanswered calls end after this long (`calls.ringTimeout`).
        public var ringTimeout: Duration
        /// Client events per connection per window; more get `RATE_LIMIT_EXCEEDED` and are dropped.
        public var eventLimit: RateLimit
        /// Socket.IO connection attempts per client address per window.
        public var connectLimit: RateLimit

        public init(
            ringTimeout: Duration = .seconds(45),
            eventLimit: RateLimit = .init(limit: 50, window: .seconds(60)),
            connectLimit: RateLimit = .init(limit: 3, window: .seconds(300))
        ) {
            self.ringTimeout = ringTimeout
            self.eventLimit = eventLimit
            self.connectLimit = connectLimit
        }
    }

    struct State: Sendable {
        var calls: CallStateMachine<JSONValue>
        var presence = PresenceRegistry()
    }

    /// The socket limiters, under a lock of their own so that counting an event never
    /// waits for call state (nor the other way round).
    struct Limits: Sendable {
        var events: FixedWindowRateLimiter
        var connects: FixedWindowRateLimiter
    }

    typealias Delivery = CallStateMachine<JSONValue>.Delivery

    let io: SocketIOServer
    let authenticator: JWTAuthenticator
    /// Whether registered users' tokens still stand for their accounts; nil: not checked.
    let sessions: AccountSessions?
    let iceServers: any ICEServerProvider
    let isTrustedProxy: @Sendable (String) -> Bool
    let logger: Logger
    private let state: Mutex<State>
    private let limits: Mutex<Limits>

    public init(
        io: SocketIOServer, authenticator: JWTAuthenticator, sessions: AccountSessions? = nil,
        iceServers: any ICEServerProvider, configuration: Configuration,
        isTrustedProxy: @escaping @Sendable (String) -> Bool, logger: Logger
    ) {
        self.io = io
        self.authenticator = authenticator
        self.sessions = sessions
        self.iceServers = iceServers
        self.isTrustedProxy = isTrustedProxy
        self.logger = logger
        self.state = Mutex(State(calls: CallStateMachine(ringTimeout: configuration.ringTimeout)))
        self.limits = Mutex(Limits(
            events: FixedWindowRateLimiter(policy: configuration.eventLimit),
            connects: FixedWindowRateLimiter(policy: configuration.connectLimit)))
        install(on: io.of("/"))
    }

    private func install(on namespace: SocketIONamespace) {
        namespace.use { [self] handshake throws(SocketIOConnectError) in try await admit(&handshake) }
        namespace.onConnection { [self] socket in connected(socket) }
        namespace.onDisconnect { [self] socket, _ in disconnected(socket) }
        for event in SignalingRequest.events {
            namespace.on(event) { [self] socket, arguments, ack in received(event, arguments, from: socket, ack: ack) }
        }
    }

    /// The sweep loop: ring timeouts and expired tokens once a second, revoked accounts
    /// as often as the account snapshot ages, until shutdown.
    public func run() async throws {
        var lastRefresh = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .seconds(1))
            sweep(now: Date())
            if let sessions, ContinuousClock.now - lastRefresh >= sessions.maximumAge {
                lastRefresh = .now
                await sessions.refresh()
                endRevokedSessions(sessions)
            }
        }
        // Shutting down: every Engine.IO session is closed, so clients reconnect elsewhere.
        io.close()
    }

    // MARK: - Connection

    /// CONNECT middleware: at most `connectLimit` attempts per address, then a valid token
    /// from `auth.token` (or `Authorization: Bearer` for non-browser clients).
    func admit(_ handshake: inout SocketIOHandshake) async throws(SocketIOConnectError) {
        let address = ClientAddress.resolve(
            peer: handshake.request.remoteAddress, forwardedFor: handshake.request.headers[.xForwardedFor], isTrustedProxy: isTrustedProxy)
        let now = Date()
        let decision = limits.withLock { $0.connects.hit(ClientAddress.rateLimitKey(address), now: now) }
        guard decision.allowed else {
            throw SocketIOConnectError(
                message: "Too many connection attempts; retry in \(decision.retryAfter(now: now)) s",
                data: ["code": .string(SignalingErrorCode.rateLimitExceeded.rawValue), "retryAfter": .number(Double(decision.retryAfter(now: now)))])
        }
        let bearer = handshake.request.headers[.authorization].flatMap { header in
            header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)) : nil
        }
        guard let token = handshake.auth["token"]?.stringValue ?? bearer else {
            throw Self.authenticationFailed("A token is required: connect with auth {token}")
        }
        let claims: SessionClaims
        do {
            claims = try await authenticator.verify(token)
        } catch {
            throw Self.authenticationFailed("Invalid or expired token")
        }
        if let sessions, await !sessions.isCurrent(claims) {
            throw Self.authenticationFailed("This token's account was removed or its password changed: log in again")
        }
        var data: [String: JSONValue] = [
            "extension": .string(claims.extension.rawValue),
            "expiresAt": .number(claims.exp.value.timeIntervalSince1970),
        ]
        if let (id, generation) = claims.account {
            data["account"] = .number(Double(id))
            data["generation"] = .number(Double(generation))
        }
        handshake.data = .object(data)
    }

    static func authenticationFailed(_ message: String) -> SocketIOConnectError {
        SocketIOConnectError(message: "Authentication failed", data: SignalingErrorCode.body(.authenticationFailed, message))
    }

    func connected(_ socket: SocketIOSocket) {
        guard let number = Self.extensionNumber(of: socket), let expiresAt = socket.data["expiresAt"]?.doubleValue else { return }
        let now = Date()
        let (replaced, deliveries) = state.withLock { state -> (PresenceRegistry.Session?, [Delivery]) in
            let replaced = state.presence.register(
                number, socketID: socket.id, expiresAt: Date(timeIntervalSince1970: expiresAt), account: Self.account(of: socket))
            guard replaced != nil else { return (nil, []) }
            // The older session's calls cannot continue on the new one.
            return (replaced, record(state.calls.disconnect(number, now: now)))
        }
        if let replaced, let old = io.socket(id: replaced.socketID) {
            old.emit("error", [SignalingErrorCode.body(.sessionReplaced, "Your extension connected from another session")])
            old.disconnect(closeConnection: true)
        }
        deliver(deliveries)
        SignalMetrics.connectionsActive.record(io.socketCount)
        let host = socket.handshake.request.authority.flatMap(RequestHost.name(ofAuthority:))
        socket.emit("ice-servers", [iceServers.iceServers(for: number, host: host, now: now).jsonValue])
        logger.info("signaling session opened", metadata: ["extension": "\(number)", "socket": "\(socket.id)", "replaced": "\(replaced != nil)"])
    }

    func disconnected(_ socket: SocketIOSocket) {
        SignalMetrics.connectionsActive.record(io.socketCount)
        guard let number = Self.extensionNumber(of: socket) else { return }
        limits.withLock { $0.events.forget(socket.id) }
        let deliveries = state.withLock { state -> [Delivery] in
            guard state.presence.unregister(number, socketID: socket.id) else { return [] }
            return record(state.calls.disconnect(number, now: Date()))
        }
        deliver(deliveries)
        logger.info("signaling session closed", metadata: ["extension": "\(number)", "socket": "\(socket.id)"])
    }

    // MARK: - Events

    func received(_ event: String, _ arguments: [JSONValue], from socket: SocketIOSocket, ack: SocketIOAck?) {
        SignalMetrics.event(event, direction: .received)
        guard let sender = Self.extensionNumber(of: socket) else { return }
        let now = Date()
        let allowed = limits.withLock { $0.events.hit(socket.id, now: now).allowed }
        guard allowed else {
            refuse(socket, .init(code: .rateLimitExceeded, message: "Too many events; slow down"), ack: ack)
            return
        }
        let request: SignalingRequest
        do {
            request = try SignalingRequest.parse(event: event, arguments: arguments)
        } catch {
            refuse(socket, error, ack: ack)
            return
        }
        let deliveries = state.withLock { state -> [Delivery] in
            switch request {
            case .callUser(let target, let offer):
                let online = state.presence.socketID(of: target) != nil
                return record(state.calls.call(from: sender, to: target, offer: offer, calleeOnline: online, now: now))
            case .answerCall(let target, let answer):
                return record(state.calls.answer(from: sender, to: target, answer: answer, now: now))
            case .iceCandidate(let target, let candidate):
                return state.calls.iceCandidate(from: sender, to: target, candidate: candidate).deliveries
            case .endCall(let target):
                return record(state.calls.end(from: sender, to: target, now: now))
            }
        }
        if let ack {
            let refusal = deliveries.first { $0.to == sender }.flatMap { delivery -> JSONValue? in
                if case .error(let code, let message) = delivery.message { return SignalingErrorCode.body(code, message) }
                return nil
            }
            ack([refusal.map { ["ok": false, "error": $0] } ?? ["ok": true]])
        }
        deliver(deliveries)
    }

    private func refuse(_ socket: SocketIOSocket, _ refusal: SignalingRequest.Refusal, ack: SocketIOAck?) {
        let body = SignalingErrorCode.body(refusal.code, refusal.message)
        ack?([["ok": false, "error": body]])
        socket.emit("error", [body])
        SignalMetrics.event("error", direction: .sent)
    }

    // MARK: - Timers

    func sweep(now: Date) {
        limits.withLock { limits in
            limits.events.sweep(now: now)
            limits.connects.sweep(now: now)
        }
        let (expired, deliveries) = state.withLock { state -> ([PresenceRegistry.Session], [Delivery]) in
            let deliveries = record(state.calls.expire(now: now))
            let expired = state.presence.expired(at: now)
            return (expired.map(\.1), deliveries + end(expired, in: &state, now: now))
        }
        dismiss(expired, saying: "Your token has expired; log in again")
        deliver(deliveries)
    }

    /// Ends the sessions of accounts removed or given a new password since their token.
    func endRevokedSessions(_ sessions: AccountSessions) {
        let now = Date()
        let (revoked, deliveries) = state.withLock { state -> ([PresenceRegistry.Session], [Delivery]) in
            let revoked = state.presence.revoked { sessions.isCurrent(account: $0.id, generation: $0.generation) }
            return (revoked.map(\.1), end(revoked, in: &state, now: now))
        }
        dismiss(revoked, saying: "Your account was removed or its password changed; log in again")
        deliver(deliveries)
        if !revoked.isEmpty { logger.info("revoked sessions ended", metadata: ["count": "\(revoked.count)"]) }
    }

    /// Takes sessions out of presence and ends their calls; under the state lock.
    private func end(
        _ ended: [(ExtensionNumber, PresenceRegistry.Session)], in state: inout State, now: Date
    ) -> [Delivery] {
        var deliveries: [Delivery] = []
        for (number, session) in ended {
            _ = state.presence.unregister(number, socketID: session.socketID)
            deliveries += record(state.calls.disconnect(number, now: now))
        }
        return deliveries
    }

    /// Tells each ended session why, with an `AUTHENTICATION_FAILED` error, and closes it.
    private func dismiss(_ sessions: [PresenceRegistry.Session], saying message: String) {
        for session in sessions {
            guard let socket = io.socket(id: session.socketID) else { continue }
            socket.emit("error", [SignalingErrorCode.body(.authenticationFailed, message)])
            socket.disconnect(closeConnection: true)
        }
    }

    static func account(of socket: SocketIOSocket) -> PresenceRegistry.Account? {
        guard let id = socket.data["account"]?.doubleValue, let generation = socket.data["generation"]?.doubleValue else {
            return nil
        }
        return PresenceRegistry.Account(id: Int64(id), generation: Int(generation))
    }

    // MARK: - Delivery

    /// Records ended calls in the metrics; returns the deliveries.
    private func record(_ outcome: CallStateMachine<JSONValue>.Outcome) -> [Delivery] {
        for ended in outcome.ended { SignalMetrics.callEnded(ended) }
        return outcome.deliveries
    }

    private func deliver(_ deliveries: [Delivery]) {
        for delivery in deliveries {
            let socketID = state.withLock { $0.presence.socketID(of: delivery.to) }
            guard let socketID, let socket = io.socket(id: socketID) else { continue }
            let event = delivery.message.event
            socket.emit(event.name, [event.body])
            SignalMetrics.event(event.name, direction: .sent)
        }
    }

    static func extensionNumber(of socket: SocketIOSocket) -> ExtensionNumber? {
        socket.data["extension"]?.stringValue.flatMap(ExtensionNumber.init)
    }
}
