import Hummingbird
import NIOCore

/// The request context of every NoTrack route: Hummingbird's core storage plus the
/// peer address, which the access policies (metrics, rate limits) need.
public struct SignalRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer; `nil` when the request did not come over a socket (router tests).
    public let remoteAddress: SocketAddress?
    /// Set by `RequestIDMiddleware` before any other middleware runs.
    public var requestID = ""

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
