import Foundation

/// One entry of `RTCConfiguration.iceServers` (W3C WebRTC §4.2.1): STUN or TURN URLs and,
/// for TURN, the credentials.
public struct ICEServer: Codable, Sendable, Equatable {
    public var urls: [String]
    public var username: String?
    public var credential: String?

    public init(urls: [String], username: String? = nil, credential: String? = nil) {
        self.urls = urls
        self.username = username
        self.credential = credential
    }
}

/// The body of `GET /api/turn/credentials` and of the `ice-servers` event: what a client
/// puts in `new RTCPeerConnection({iceServers})`, and how many seconds the TURN
/// credentials stay valid.
public struct ICEConfiguration: Codable, Sendable, Equatable {
    public var iceServers: [ICEServer]
    public var ttl: Int

    public init(iceServers: [ICEServer], ttl: Int) {
        self.iceServers = iceServers
        self.ttl = ttl
    }
}

/// Hands a logged-in user ICE servers with fresh TURN credentials. The appliance implements
/// it with the relay's credential minting; Signal never imports the relay.
public protocol ICEServerProvider: Sendable {
    /// - Parameter host: the host name the client used to reach the appliance (its HTTP
    ///   `Host`), the natural address of the relay when no public address is configured.
    func iceServers(for user: ExtensionNumber, host: String?, now: Date) -> ICEConfiguration
}

extension ICEConfiguration {
    /// The body of the `ice-servers` Socket.IO event: the same object as the REST answer.
    var jsonValue: JSONValue {
        .object([
            "iceServers": .array(iceServers.map { server in
                var object: [String: JSONValue] = ["urls": .array(server.urls.map(JSONValue.string))]
                if let username = server.username { object["username"] = .string(username) }
                if let credential = server.credential { object["credential"] = .string(credential) }
                return .object(object)
            }),
            "ttl": .number(Double(ttl)),
        ])
    }
}
