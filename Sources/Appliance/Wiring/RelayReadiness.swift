import Relay
import Signal

/// The readiness check `relay`: healthy once every relay listener is bound.
struct RelayReadiness: ReadinessCheck {
    let relay: RelayServer
    var name: String { "relay" }

    func status() async -> DependencyStatus {
        relay.listeningAddresses.isEmpty ? .unhealthy : .healthy
    }
}
