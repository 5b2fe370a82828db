// The server the official Engine.IO v4 and Socket.IO v5 test suites expect
// (socketio/engine.io-protocol and socketio/socket.io-protocol, test-suite/README):
// pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6, connectTimeout 1000 ms,
// CORS for any origin; `/engine.io/` echoes messages, `/socket.io/` echoes the CONNECT
// auth as an "auth" event, answers "message" with "message-back", echoes acks, and
// serves a "/custom" namespace.
//
//     swift run sio-conformance-server --port 3000

import Foundation
import Hummingbird
import Logging
import Signal

var port = 3000
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--port", let value = arguments.popFirst(), let number = Int(value) {
        port = number
    } else {
        print("usage: sio-conformance-server [--port N]")
        exit(2)
    }
}

let configuration = EngineIOConfiguration(
    pingInterval: 300, pingTimeout: 200, maxPayload: 1_000_000, connectTimeout: 1_000, allowedOrigins: .any)

/// The Engine.IO suite's server: `socket.on("data", data => socket.send(data))`.
struct EchoDelegate: EngineIOServerDelegate {
    func engineIOConnectionOpened(_ connection: EngineIOConnection) async {}
    func engineIOConnection(_ connection: EngineIOConnection, received message: EngineIOData) async {
        connection.send([message])
    }
    func engineIOConnectionClosed(_ connection: EngineIOConnection, reason: EngineIOCloseReason) async {}
}

let engine = EngineIOServer(path: "/engine.io/", configuration: configuration, delegate: EchoDelegate())
let io = SocketIOServer(path: "/socket.io/", configuration: configuration)

/// How long the `auth` event waits after the CONNECT reply. The suites read the reply with
/// `await waitFor(socket, "message")` and only then listen for `auth`, and their WebSocket
/// client (`ws` 8.11) emits every frame of one socket read synchronously: a frame that
/// arrives in the same read as the reply is emitted before anyone listens, and is lost.
/// The client sends CONNECT and stays busy in that event-loop turn for a moment; a server
/// that answers within it (ours takes well under a millisecond) lands both frames in its
/// next read about half the time (docs/conformance.md). Real clients keep their listeners
/// registered, so only this fixture waits; the library sends as soon as it can.
let authDelay = Duration.milliseconds(50)

for namespace in [io.of("/"), io.of("/custom")] {
    namespace.onConnection { socket in
        try? await Task.sleep(for: authDelay)
        socket.emit("auth", [socket.handshake.auth])
    }
    namespace.on("message") { socket, arguments, _ in
        socket.emit("message-back", arguments)
    }
    namespace.on("message-with-ack") { _, arguments, ack in
        ack?(arguments)
    }
    // Not used by the suites: lets interop clients test server-to-client acks.
    namespace.on("request-ack") { socket, arguments, _ in
        let reply = (try? await socket.emitWithAck("ask", arguments, timeout: .seconds(5))) ?? []
        socket.emit("acked", reply)
    }
}

let router = Router()
engine.addRoutes(to: router)
io.addRoutes(to: router)

var logger = Logger(label: "sio-conformance-server")
logger.logLevel = .info

let app = Application(
    router: router,
    server: .engineIO([engine, io.engine]),
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    logger: logger
)
try await app.runService()
