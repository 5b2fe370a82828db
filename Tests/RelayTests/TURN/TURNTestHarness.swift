import Foundation
import Testing
@testable import Relay

/// Drives a `TURNServer` as a TURN client would, with explicit time.
struct TURNTestHarness {
    static let secret = TURNSecret("harness-secret")
    static let realm = RelayConfiguration.defaultRealm
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    static let serverAddress = address("192.0.2.10", 3478)
    static let relayIPv4 = RelayAddress(bind: IPAddress("10.0.0.10")!, advertised: IPAddress("192.0.2.10")!)
    static let relayIPv6 = RelayAddress(bind: IPAddress("2001:db8::10")!)

    var server: TURNServer
    var now = TURNTestHarness.start
    let minter = TURNCredentialMinter(secret: TURNTestHarness.secret)

    init(ipv6: Bool = false, configure: (inout TURNConfiguration) -> Void = { _ in }) {
        var configuration = TURNConfiguration(
            realm: Self.realm, secret: Self.secret,
            relayAddresses: ipv6 ? [Self.relayIPv4, Self.relayIPv6] : [Self.relayIPv4])
        configure(&configuration)
        server = TURNServer(configuration: configuration)
    }

    static func client(_ host: String = "198.51.100.1", port: UInt16 = 50000, transport: ClientTransport = .udp) -> FiveTuple {
        FiveTuple(client: address(host, port), server: serverAddress, transport: transport)
    }

    mutating func advance(_ seconds: Double) { now = now.addingTimeInterval(seconds) }

    /// A client identity: a REST credential plus the nonce it last learned.
    struct Client {
        var fiveTuple: FiveTuple
        var username: String
        var password: String
        var nonce = ""
        var algorithm: PasswordAlgorithm? = nil

        var key: STUNIntegrityKey {
            STUNIntegrityKey.longTerm(username: username, realm: TURNTestHarness.realm, password: password,
                                      algorithm: algorithm ?? .md5)!
        }
    }

    func makeClient(_ fiveTuple: FiveTuple = client(), user: String = "1001", ttl: Int64 = 3600) -> Client {
        let credential = minter.mint(user: user, ttl: .seconds(ttl), now: now)
        return Client(fiveTuple: fiveTuple, username: credential.username, password: credential.credential)
    }

    /// Encodes a request signed with the client's credentials.
    func signed(
        _ method: STUNMethod, _ attributes: [STUNAttribute], client: Client,
        transactionID: STUNTransactionID = .random(), sha256: Bool = false
    ) -> [UInt8] {
        var all = attributes + [.username(client.username), .realm(Self.realm), .nonce(client.nonce)]
        if let algorithm = client.algorithm {
            all += [.passwordAlgorithms(TURNServer.passwordAlgorithms), .passwordAlgorithm(algorithm)]
        }
        let message = STUNMessage(
            type: STUNMessageType(method: method, messageClass: .request), transactionID: transactionID, attributes: all)
        return message.encode(integrity: sha256 ? .sha256(client.key) : .sha1(client.key))
    }

    static func unsigned(_ method: STUNMethod, _ attributes: [STUNAttribute] = [],
                         transactionID: STUNTransactionID = .random()) -> [UInt8] {
        STUNMessage(type: STUNMessageType(method: method, messageClass: .request),
                    transactionID: transactionID, attributes: attributes).encode()
    }

    mutating func send(_ bytes: [UInt8], from fiveTuple: FiveTuple) -> [TURNAction] {
        server.handleSTUN(bytes, from: fiveTuple, now: now)
    }

    /// The single reply among the actions, decoded.
    static func reply(_ actions: [TURNAction]) throws -> ReceivedSTUNMessage {
        let replies = actions.compactMap { action -> [UInt8]? in
            if case .reply(_, let bytes) = action { return bytes }
            return nil
        }
        try #require(replies.count == 1, "expected one reply in \(actions)")
        return try ReceivedSTUNMessage(decoding: replies[0])
    }

    static func errorCode(_ actions: [TURNAction]) throws -> UInt16? {
        guard case .errorCode(let error)? = try reply(actions).message.first(.errorCode) else { return nil }
        return error.code
    }

    /// Asks without credentials and keeps the nonce of the 401.
    mutating func learnNonce(_ client: inout Client) throws {
        let response = try Self.reply(send(Self.unsigned(.allocate, [.requestedTransport(17)]), from: client.fiveTuple))
        guard case .nonce(let nonce)? = response.message.first(.nonce) else {
            Issue.record("401 without NONCE")
            return
        }
        client.nonce = nonce
    }

    /// A full, successful allocation; returns the client and the relayed address.
    @discardableResult
    mutating func allocate(
        _ client: inout Client, _ extra: [STUNAttribute] = [], sha256: Bool = false
    ) throws -> (response: ReceivedSTUNMessage, relayed: TransportAddress) {
        try learnNonce(&client)
        let actions = send(signed(.allocate, [.requestedTransport(17)] + extra, client: client, sha256: sha256),
                           from: client.fiveTuple)
        guard case .bindRelay(let id, let relayed, _)? = actions.first, actions.count == 1 else {
            Issue.record("expected bindRelay, got \(actions)")
            throw HarnessError.unexpected
        }
        let response = try Self.reply(server.relayBound(id: id, now: now))
        return (response, relayed)
    }

    enum HarnessError: Error { case unexpected }
}
