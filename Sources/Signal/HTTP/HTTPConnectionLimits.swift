public import NIOCore
import Synchronization

/// What one HTTP connection may hold and for how long (`http.*` settings): a hostile
/// internet opens sockets and sends nothing, or trickles a request a byte at a time.
public struct HTTPConnectionLimits: Sendable, Equatable {
    /// A connection's first request head must be complete this long after it opened
    /// (`http.headerTimeout`).
    public var headerTimeout: Duration
    /// A kept-alive connection with no request in progress closes after this long
    /// (`http.idleTimeout`).
    public var idleTimeout: Duration
    /// Connections per client address (IPv6: per /64) and in total
    /// (`http.maxConnectionsPerAddress`, `http.maxConnections`); more are closed at once.
    public var maximumPerAddress: Int
    public var maximum: Int
    /// The most header bytes one request may carry; more gets 431.
    public var maximumHeaderBytes: Int

    public init(
        headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(30), maximumPerAddress: Int = 256,
        maximum: Int = 40_000, maximumHeaderBytes: Int = 16 * 1024
    ) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maximumPerAddress = maximumPerAddress
        self.maximum = maximum
        self.maximumHeaderBytes = maximumHeaderBytes
    }
}

/// The connections the listener holds, shared by its event loops: a connection is counted
/// when accepted and released when it closes.
final class HTTPConnectionAdmission: Sendable {
    private let counts: Mutex<ConnectionCounts>
    private let isTrustedProxy: @Sendable (String) -> Bool

    init(limits: HTTPConnectionLimits, isTrustedProxy: @escaping @Sendable (String) -> Bool) {
        counts = Mutex(ConnectionCounts(maximumPerAddress: limits.maximumPerAddress, maximum: limits.maximum))
        self.isTrustedProxy = isTrustedProxy
    }

    /// Counts `channel` until it closes; `false` when it must be closed instead.
    func admit(_ channel: any Channel) -> Bool {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let key = ClientAddress.rateLimitKey(address)
        let exempt = isTrustedProxy(address)
        guard counts.withLock({ $0.admit(key, exempt: exempt) }) else { return false }
        channel.closeFuture.whenComplete { [self] _ in counts.withLock { $0.release(key, exempt: exempt) } }
        return true
    }

    var total: Int { counts.withLock { $0.total } }
}
