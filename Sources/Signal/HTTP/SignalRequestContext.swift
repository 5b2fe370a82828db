import Foundation
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

    /// JSON bodies without `\/` escapes, as Node's `JSON.stringify` writes them (TURN
    /// credentials are base64 and often contain `/`).
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
