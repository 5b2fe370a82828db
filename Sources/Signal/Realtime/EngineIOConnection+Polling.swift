/// The long-polling side of a connection (Engine.IO protocol v4, "HTTP long-polling").
extension EngineIOConnection {
    /// Answers a `GET`: at once when packets wait, else when some arrive. A cancelled
    /// request (server shutdown, or a client gone) gives its turn back to the session.
    func poll() async -> PollResult {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let deferred = state.withLock { state -> [Deferred] in
                    var actions = catchUp(&state)
                    switch state.session.poll() {
                    case .respond(let packets):
                        continuation.resume(returning: .packets(packets))
                        actions += state.session.finishClosing()
                    case .wait where Task.isCancelled:
                        state.session.pollAbandoned()
                        continuation.resume(returning: .packets([.noop]))
                    case .wait:
                        state.pollWaiter = continuation
                    case .reject(let error, let rejectActions):
                        actions += rejectActions
                        continuation.resume(returning: .error(error))
                    }
                    let deferred = perform(actions, in: &state)
                    reschedule(&state)
                    return deferred
                }
                if !deferred.isEmpty {
                    Task { await self.run(deferred) }
                }
            }
        } onCancel: {
            state.withLock { state in
                guard let waiter = state.pollWaiter else { return }
                state.pollWaiter = nil
                state.session.pollAbandoned()
                waiter.resume(returning: .packets([.noop]))
            }
        }
    }

    /// Handles a `POST` body that `readBody` fetches (bounded by `maxPayload`).
    /// Returns `nil` for success (`ok`), else the error to answer with.
    func post(readBody: () async throws -> [UInt8]) async -> EngineIOError? {
        var refusal: EngineIOError?
        let deferred = state.withLock { state -> [Deferred] in
            guard let (error, actions) = state.session.beginPost() else { return [] }
            refusal = error
            let deferred = perform(actions, in: &state)
            reschedule(&state)
            return deferred
        }
        if let refusal {
            await run(deferred)
            return refusal
        }
        defer { state.withLock { $0.session.endPost() } }

        let body: [UInt8]
        do {
            body = try await readBody()
        } catch {
            await receive { $0.session.close(.parseError) }
            return .payloadTooLarge
        }
        let packets: [EngineIOPacket]
        do {
            packets = try EngineIOPayload.decode(body)
        } catch {
            await receive { $0.session.receiveMalformed() }
            return .badRequest
        }
        for packet in packets {
            await receive { $0.session.receive(packet, now: .now) }
        }
        return nil
    }
}
