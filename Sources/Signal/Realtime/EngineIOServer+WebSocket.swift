public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore

/// The WebSocket transport (Engine.IO protocol v4, "WebSocket" and "Upgrade") on
/// hummingbird-websocket's closure-based upgrade, so that a plain `GET` on the same path
/// still reaches the long-polling routes. CORS does not protect WebSockets: the `Origin`
/// header is checked here.
extension EngineIOServer {
    /// The hummingbird-websocket settings this server needs: frames up to `maxPayload`,
    /// and no WebSocket-level pings (Engine.IO has its own heartbeat).
    public var webSocketConfiguration: WebSocketServerConfiguration {
        WebSocketServerConfiguration(maxFrameSize: configuration.maxPayload, autoPing: .disabled)
    }

    /// Decides a WebSocket upgrade request: `nil` when the path is not this server's (ask
    /// another), `.dontUpgrade` when it is refused (the router then answers it with the
    /// protocol's HTTP error), else the handler that runs the transport.
    public func shouldUpgrade(
        _ request: HTTPRequest,
        channel: any Channel
    ) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>? {
        let (requestPath, query) = EngineIOQuery.split(target: request.path ?? "/")
        guard serves(path: requestPath) else { return nil }
        guard configuration.allowedOrigins.allows(request.headerFields[.origin], host: request.authority) else { return .dontUpgrade }
        guard let engineRequest = try? EngineIORequest(query: query, method: request.method == .get ? .get : .other, isWebSocketUpgrade: true) else {
            return .dontUpgrade
        }
        let handshakeRequest = EngineIOHandshakeRequest(
            headers: request.headerFields, query: query,
            remoteAddress: channel.remoteAddress?.ipAddress, transport: .websocket, authority: request.authority)
        if let sid = engineRequest.sid {
            // A session that cannot take this WebSocket still gets the upgrade, then an
            // immediate close: "the server MUST close the WebSocket connection".
            guard let connection = connection(id: sid) else { return .dontUpgrade }
            // Taken before the 101 goes out, so that a second WebSocket the client opens
            // once it has seen this one open finds the session's probe taken.
            let probe = connection.attachProbe()
            return .upgrade([:]) { inbound, outbound, _ in
                // "A client MUST NOT open more than one WebSocket connection per session."
                guard let (pipe, commands) = probe else { return }
                await connection.serve(pipe: pipe, commands: commands, inbound: inbound, outbound: outbound)
            }
        }
        return .upgrade([:]) { inbound, outbound, _ in
            let connection = self.open(transport: .websocket, request: handshakeRequest)
            await connection.runWebSocket(inbound: inbound, outbound: outbound)
        }
    }
}

extension EngineIOConnection {
    /// Runs a WebSocket that is the session's transport from the start.
    func runWebSocket(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let (commands, continuation) = AsyncStream.makeStream(of: WebSocketCommand.self)
        let pipe = WebSocketPipe(id: server.makeWebSocketID(), commands: continuation)
        let handshake = state.withLock { state in
            state.active = pipe
            return state.session.handshake
        }
        continuation.yield(.write(handshake.packet))
        await server.delegate.engineIOConnectionOpened(self)
        await serve(pipe: pipe, commands: commands, inbound: inbound, outbound: outbound)
    }

    /// Makes a WebSocket the probe of this polling session's upgrade; `nil` if it cannot be.
    func attachProbe() -> (WebSocketPipe, AsyncStream<WebSocketCommand>)? {
        let (commands, continuation) = AsyncStream.makeStream(of: WebSocketCommand.self)
        let pipe = WebSocketPipe(id: server.makeWebSocketID(), commands: continuation)
        let attached = state.withLock { state in
            guard state.session.attachProbe(now: .now) else { return false }
            state.probe = pipe
            reschedule(&state)
            return true
        }
        return attached ? (pipe, commands) : nil
    }

    /// Reads and writes until either side ends; returning closes the WebSocket.
    func serve(
        pipe: WebSocketPipe,
        commands: AsyncStream<WebSocketCommand>,
        inbound: WebSocketInboundStream,
        outbound: WebSocketOutboundWriter
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.write(commands: commands, to: outbound) }
            group.addTask { await self.read(inbound, pipeID: pipe.id) }
            await group.next()
            group.cancelAll()
        }
        pipe.commands.finish()
        // Whichever way it ended, the session no longer has this WebSocket.
        event { state in
            if state.active?.id == pipe.id {
                state.active = nil
                return state.session.close(.transportClosed)
            }
            if state.probe?.id == pipe.id {
                state.probe = nil
                state.session.probeClosed()
            }
            return []
        }
    }

    private func write(commands: AsyncStream<WebSocketCommand>, to outbound: WebSocketOutboundWriter) async {
        do {
            for await command in commands {
                switch command {
                case .write(let packet):
                    try await write(packet, to: outbound)
                case .drain:
                    let packets = state.withLock { $0.session.drainForWebSocket() }
                    for packet in packets { try await write(packet, to: outbound) }
                case .failPoll(let error):
                    state.withLock { state in
                        state.pollWaiter?.resume(returning: .error(error))
                        state.pollWaiter = nil
                    }
                case .close:
                    return
                }
            }
        } catch {
            server.logger.debug("engine.io websocket write failed", metadata: ["sid": "\(id)", "error": "\(error)"])
        }
    }

    private func write(_ packet: EngineIOPacket, to outbound: WebSocketOutboundWriter) async throws {
        switch packet.webSocketFrame {
        case .text(let text): try await outbound.write(.text(text))
        case .binary(let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
        }
    }

    private func read(_ inbound: WebSocketInboundStream, pipeID: Int) async {
        do {
            for try await message in inbound.messages(maxSize: server.configuration.maxPayload) {
                let packet: EngineIOPacket
                switch message {
                case .text(let text):
                    guard let decoded = try? EngineIOPacket.decode(text: text) else {
                        await receive { state in
                            state.active?.id == pipeID ? state.session.receiveMalformed() : state.session.receiveOnProbe(.noop, now: .now)
                        }
                        return
                    }
                    packet = decoded
                case .binary(let buffer):
                    packet = EngineIOPacket.decode(binary: Array(buffer: buffer))
                }
                await receive { state in
                    if state.active?.id == pipeID {
                        return state.session.receive(packet, now: .now)
                    }
                    if state.probe?.id == pipeID {
                        return state.session.receiveOnProbe(packet, now: .now)
                    }
                    return []
                }
            }
        } catch {
            // Too large a message, or a broken connection: `serve` closes the transport.
            server.logger.debug("engine.io websocket read ended", metadata: ["sid": "\(id)", "error": "\(error)"])
        }
    }
}
