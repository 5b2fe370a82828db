/// Reassembles packets from Engine.IO messages: a `BINARY_EVENT` or `BINARY_ACK` text is
/// followed by as many binary messages as it announces (Socket.IO protocol v5,
/// "Packet encoding"). Bounded: at most `maximumAttachmentBytes` wait per packet.
struct SocketIOPacketAssembler: Sendable {
    let maximumAttachmentBytes: Int
    private var pending: SocketIOPacket?
    private var attachments: [[UInt8]] = []
    private var attachmentBytes = 0

    init(maximumAttachmentBytes: Int) {
        self.maximumAttachmentBytes = maximumAttachmentBytes
    }

    /// Whether a binary packet is still waiting for attachments.
    var isAwaitingAttachments: Bool { pending != nil }

    /// Feeds one Engine.IO message; returns a complete packet, or `nil` while attachments are awaited.
    mutating func receive(_ message: EngineIOData) throws(SocketIOPacketError) -> SocketIOPacket? {
        switch message {
        case .text(let text):
            guard pending == nil else { throw .unexpectedMessage }
            let packet = try SocketIOPacket.decode(text)
            guard packet.kind.isBinary, packet.attachmentCount > 0 else {
                return try packet.kind.isBinary ? Self.complete(packet, with: []) : packet
            }
            pending = packet
            return nil
        case .binary(let bytes):
            guard let packet = pending else { throw .unexpectedMessage }
            attachmentBytes += bytes.count
            guard attachmentBytes <= maximumAttachmentBytes else { throw .attachmentsTooLarge }
            attachments.append(bytes)
            guard attachments.count == packet.attachmentCount else { return nil }
            defer {
                pending = nil
                attachments = []
                attachmentBytes = 0
            }
            return try Self.complete(packet, with: attachments)
        }
    }

    private static func complete(_ packet: SocketIOPacket, with attachments: [[UInt8]]) throws(SocketIOPacketError) -> SocketIOPacket {
        var packet = packet
        if let data = packet.data {
            packet.data = try SocketIOAttachments.reconstruct(data, with: attachments)
        }
        return packet
    }
}
