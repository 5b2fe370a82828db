import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import Testing

@testable import Signal

/// Timeouts and caps of the HTTP listener's connections: what keeps idle and trickling
/// sockets from holding descriptors (docs/api-notes.md "Connections").
@Suite(.timeLimit(.minutes(1))) struct HTTPConnectionLimitsTests {
    static let limits = HTTPConnectionLimits(headerTimeout: .seconds(10), idleTimeout: .seconds(30))

    static func request(_ method: HTTPMethod = .GET, headers: HTTPHeaders = [:]) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: method, uri: "/", headers: headers))
    }

    @Test func aConnectionThatSendsNoRequestHeadInTimeIsClosed() throws {
        let channel = EmbeddedChannel(handler: HTTPRequestTimeoutHandler(limits: Self.limits))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func noTimerRunsWhileARequestIsAnsweredThenTheIdleOneDoes() throws {
        let channel = EmbeddedChannel(handler: HTTPRequestTimeoutHandler(limits: Self.limits))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        try channel.writeInbound(Self.request())
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))  // a long-poll
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func anUpgradeRequestLeavesTheConnectionToTheWebSocket() throws {
        let handler = HTTPRequestTimeoutHandler(limits: Self.limits)
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        try channel.writeInbound(Self.request(headers: ["Upgrade": "websocket", "Connection": "Upgrade"]))
        #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.context(handler: handler) }
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
    }

    @Test func countsCapEachAddressAndTheTotalButNotATrustedProxy() {
        var counts = ConnectionCounts(maximumPerAddress: 2, maximum: 4)
        let admitted = [("a", false), ("a", false), ("a", false), ("proxy", true), ("proxy", true), ("b", false)]
            .map { counts.admit($0.0, exempt: $0.1) }
        #expect(admitted == [true, true, false, true, true, false])  // a's cap, then the total
        counts.release("a")
        let again = counts.admit("b")
        #expect(again)
        #expect(counts.count(for: "proxy") == 0)
    }

    /// Connects from `host` to the live server; the channel closes when the server closes it.
    static func connect(to port: Int, from host: String) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: host, port: 0))
            .connect(host: "127.0.0.1", port: port).get()
    }

    @Test func connectionsBeyondTheCapOfAnAddressAreClosedAtOnce() async throws {
        // Clients on addresses of their own: the test client's connection never counts.
        let limits = HTTPConnectionLimits(maximumPerAddress: 2)
        let app = Application(router: Router(), server: .engineIO([], limits: limits))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Accepted connections are set up on several event loops: which of the three is
            // refused is not fixed, only that one is.
            var three: [any Channel] = []
            for _ in 0..<3 { three.append(try await Self.connect(to: port, from: "127.0.0.5")) }
            try await Self.settle { three.filter(\.isActive).count <= 2 }
            #expect(three.filter(\.isActive).count == 2)
            let other = try await Self.connect(to: port, from: "127.0.0.6")
            // A closed connection gives its place back.
            for channel in three { try? await channel.close() }
            var again: (any Channel)?
            for _ in 0..<50 where again == nil {
                let attempt = try await Self.connect(to: port, from: "127.0.0.5")
                try await Task.sleep(for: .milliseconds(50))
                if attempt.isActive { again = attempt }
            }
            #expect(again != nil && other.isActive)
            for channel in [other] + (again.map { [$0] } ?? []) { try? await channel.close() }
        }
    }

    /// Waits (bounded) until `condition` holds.
    static func settle(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
    }

    @Test func requestHeadersOverTheLimitAreRefused() async throws {
        let router = Router()
        router.get("/") { _, _ in "ok" }
        let app = Application(router: router, server: .engineIO([], limits: HTTPConnectionLimits(maximumHeaderBytes: 4096)))
        try await app.test(.live) { client in
            try await client.execute(uri: "/", method: .get, headers: [.init("X-Small")!: "1"]) { response in
                #expect(response.status == .ok)
            }
            let big = String(repeating: "x", count: 8192)
            let status = try? await client.execute(uri: "/", method: .get, headers: [.init("X-Big")!: big]) { $0.status }
            #expect(status != .ok)
        }
    }
}
