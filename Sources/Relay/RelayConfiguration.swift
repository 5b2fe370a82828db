/// How the STUN/TURN relay listens, decided by the appliance's configuration (`relay.*`).
public struct RelayConfiguration: Sendable, Equatable {
    /// IP literals the UDP and TCP listeners bind (`relay.listenAddresses`).
    public var listenAddresses: [String]
    /// The STUN/TURN port for both UDP and TCP (`relay.port`, 3478 per RFC 8489 §18.6);
    /// 0 picks a free port (tests).
    public var port: Int

    public init(listenAddresses: [String], port: Int = 3478) {
        self.listenAddresses = listenAddresses
        self.port = port
    }
}
