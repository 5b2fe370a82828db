import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore

@testable import Signal

/// A readiness check with a fixed answer.
struct FixedCheck: ReadinessCheck {
    var name: String
    var answer: DependencyStatus
    func status() async -> DependencyStatus { answer }
}

func makeSignal(
    environment: DeploymentEnvironment = .production,
    checks: [any ReadinessCheck] = [],
    metricsAllowed: Bool = true
) -> SignalServer {
    SignalServer(
        configuration: .init(host: "127.0.0.1", port: 0, environment: environment, version: "9.9.9", guestAccess: true),
        hooks: .init(
            readinessChecks: checks,
            metricsExposition: { "# TYPE up gauge\nup 1\n" },
            isMetricsClientAllowed: { _ in metricsAllowed }
        ),
        logger: .init(label: "test")
    )
}

func testRouter(_ signal: SignalServer, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
    try await Application(router: signal.makeRouter()).test(.router, body)
}

func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] ?? [:]
}

/// `Date.toISOString()` format: milliseconds, UTC.
func isISO8601WithMilliseconds(_ value: Any?) -> Bool {
    guard let text = value as? String else { return false }
    return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil
}
