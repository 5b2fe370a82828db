import Foundation

/// Send indications (RFC 8656 §10.2): client to peer without a channel.
/// Indications carry no credentials; the 5-tuple and permissions guard them,
/// and anything wrong is dropped silently as the RFC requires.
extension TURNServer {
    mutating func handleSend(_ message: STUNMessage, from fiveTuple: FiveTuple, now: Date) -> TURNAction {
        guard case .xorPeerAddress(let peer)? = message.first(.xorPeerAddress),
              case .data(let payload)? = message.first(.data)
        else { return .drop(.malformed) }
        switch admitFromClient(fiveTuple, peer: peer, length: payload.count, now: now) {
        case .success(let allocation):
            let dontFragment = allocation.dontFragment || message.first(.dontFragment) != nil
            statistics.clientToPeerPackets += 1
            statistics.clientToPeerBytes += payload.count
            return .sendToPeer(from: allocation.relayed, to: peer, payload: payload, dontFragment: dontFragment)
        case .failure(let reason):
            return .drop(reason)
        }
    }
}
