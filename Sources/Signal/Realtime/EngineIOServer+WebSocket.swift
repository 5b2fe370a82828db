import Hummingbird
import NIOCore

/// The WebSocket transport (Engine.IO protocol v4, "WebSocket" and "Upgrade"): the upgrade
/// decision, made by `EngineIOHTTPChannel` before the 101 goes out, and the session's side
/// of an `EngineIOWebSocketHandler`. CORS does not protect WebSockets: the `Origin` header
/// is checked here.
extension EngineIOServer {
    /// Decides a WebSocket upgrade request on the channel's event loop: `nil` when the path
    /// is not this server's (ask another), `.refused` (400), or `.accepted` with the handler
    /// to put behind the frame codec once the 101 has gone out.
    func webSocketUpgrade(_ request: HTTPRequest, channel: any Channel) -> WebSocketUpgrade? {
        let (requestPath, query) = EngineIOQuery.split(target: request.path ?? "/")
        guard serves(path: requestPath) else { return nil }
        guard configuration.allowedOrigins.allows(request.headerFields[.origin], host: request.authority),
              let engineRequest = try? EngineIORequest(query: query, method: request.method == .get ? .get : .other, isWebSocketUpgrade: true)
        else { return .refused }
        let pipe = makeWebSocketPipe(channel: channel)
        let handler = pipe.handler.value
        if let sid = engineRequest.sid {
            guard let connection = connection(id: sid) else { return .refused }
            // Taken before the 101 goes out, so that a second WebSocket the client opens
            // once it has seen this one open finds the session's probe taken. A session that
            // cannot take this WebSocket still gets the upgrade, then an immediate close:
            // "the server MUST close the WebSocket connection".
            handler.attach(connection.attachProbe(pipe) ? connection : nil)
            Self.whenClosed(channel, connection: connection, pipe: pipe)
            return .accepted(handler, open: nil)
        }
        let handshakeRequest = EngineIOHandshakeRequest(
            headers: request.headerFields, query: query,
            remoteAddress: channel.remoteAddress?.ipAddress, transport: .websocket, authority: request.authority)
        guard let pending = admitHandshake(from: handshakeRequest.remoteAddress) else { return .refused }
        channel.closeFuture.whenComplete { _ in pending.release() }  // an upgrade that never opened
        return .accepted(handler) { [self] in
            let connection = open(transport: .websocket, request: handshakeRequest, pending: pending)
            handler.attach(connection)
            connection.openOnWebSocket(pipe)
            Self.whenClosed(channel, connection: connection, pipe: pipe)
        }
    }

    /// However the channel ends, the session lets go of the WebSocket.
    private static func whenClosed(_ channel: any Channel, connection: EngineIOConnection, pipe: EngineIOConnection.WebSocketPipe) {
        channel.closeFuture.whenComplete { _ in
            pipe.handler.value.channelClosed()
            connection.webSocketClosed(pipeID: pipe.id)
        }
    }

    /// The outcome of `webSocketUpgrade`.
    enum WebSocketUpgrade {
        case refused
        /// Upgrade; `open` (when the WebSocket opens a session) runs on the event loop after
        /// the 101, before the handler is added.
        case accepted(EngineIOWebSocketHandler, open: (() -> Void)?)
    }

    private func makeWebSocketPipe(channel: any Channel) -> EngineIOConnection.WebSocketPipe {
        let id = makeWebSocketID()
        let handler = EngineIOWebSocketHandler(pipeID: id, maxPayload: configuration.maxPayload)
        return EngineIOConnection.WebSocketPipe(id: id, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
    }
}

extension EngineIOConnection {
    /// What an `EngineIOWebSocketHandler` does next, on its event loop.
    enum WebSocketCommand: Sendable, Equatable {
        /// Write this packet now (the upgrade probe's `3probe`, the handshake).
        case write(EngineIOPacket)
        /// Write whatever the session has buffered.
        case drain
        /// Close the WebSocket.
        case close
        /// Answer the waiting long-poll with this error once what was queued before is
        /// written (a `GET` overtaken by the upgrade must not beat the `3probe` to the client).
        case failPoll(EngineIOError)
        /// The layer above has caught up with the received messages: read again.
        case resumeReading
    }

    /// The session's handle on one WebSocket: commands go to its handler in order.
    struct WebSocketPipe: Sendable {
        let id: Int
        let handler: NIOLoopBound<EngineIOWebSocketHandler>

        func send(_ command: WebSocketCommand) {
            handler.eventLoop.execute { handler.value.perform(command) }
        }
    }

    /// Makes a WebSocket the session's transport from the start: the handshake goes out
    /// first, and the delegate hears of the session before any message it receives.
    func openOnWebSocket(_ pipe: WebSocketPipe) {
        let handshake = state.withLock { state in
            state.active = pipe
            return state.session.handshake
        }
        pipe.send(.write(handshake.packet))
        inbound.enqueue(Inbound(connection: self, work: [.opened]))
    }

    /// Makes a WebSocket the probe of this polling session's upgrade; `false` if it cannot be.
    func attachProbe(_ pipe: WebSocketPipe) -> Bool {
        state.withLock { state in
            guard state.session.attachProbe(now: .now) else { return false }
            state.probe = pipe
            reschedule(&state)
            return true
        }
    }

    /// A message from WebSocket `pipeID` (`nil`: one that did not decode), read at `readAt`.
    /// The delegate hears of it on the inbound queue; returns whether the WebSocket should
    /// stop reading until `.resumeReading`.
    func receive(_ packet: EngineIOPacket?, onWebSocket pipeID: Int, readAt: ContinuousClock.Instant) -> Bool {
        let deferred = state.withLock { state in
            let actions: [EngineIOSession.Action]
            if state.active?.id == pipeID {
                actions = packet.map { state.session.receive($0, now: .now) } ?? state.session.receiveMalformed()
            } else if state.probe?.id == pipeID {
                actions = state.session.receiveOnProbe(packet ?? .noop, now: .now)
            } else {
                actions = []
            }
            let deferred = perform(actions, in: &state)
            reschedule(&state)
            return deferred
        }
        guard !deferred.isEmpty else { return false }
        return inbound.enqueue(Inbound(connection: self, work: deferred, readAt: readAt)) == .enqueuedPause
    }

    /// What the session has buffered for its WebSocket, and when the earliest message that
    /// caused it was read (`EventRelayClock`).
    func drainForWebSocket() -> (packets: [EngineIOPacket], relayStartedAt: ContinuousClock.Instant?) {
        state.withLock { state in
            let packets = state.session.drainForWebSocket()
            defer { state.relayStartedAt = nil }
            return (packets, packets.isEmpty ? nil : state.relayStartedAt)
        }
    }

    func failPoll(_ error: EngineIOError) {
        state.withLock { state in
            state.pollWaiter?.resume(returning: .error(error))
            state.pollWaiter = nil
        }
    }

    /// The received messages have all been handled: the WebSockets read again.
    func inboundCaughtUp() {
        state.withLock { state in
            state.active?.send(.resumeReading)
            state.probe?.send(.resumeReading)
        }
    }

    /// Whichever way it ended, the session no longer has this WebSocket (called again
    /// when the channel closes; the second call finds nothing to do).
    func webSocketClosed(pipeID: Int) {
        event { state in
            if state.active?.id == pipeID {
                state.active = nil
                return state.session.close(.transportClosed)
            }
            if state.probe?.id == pipeID {
                state.probe = nil
                state.session.probeClosed()
            }
            return []
        }
    }
}
