/// Encoding (Socket.IO protocol v5, "Format"): binary buffers in the payload are pulled
/// out as attachments, and the packet type becomes `BINARY_EVENT` / `BINARY_ACK`.
extension SocketIOPacket {
    /// The Engine.IO messages carrying this packet: the text, then one binary per attachment.
    public func encoded() -> [EngineIOData] {
        var attachments: [[UInt8]] = []
        let payload = data.map { SocketIOAttachments.deconstruct($0, into: &attachments) }
        var wireKind = kind
        if !attachments.isEmpty {
            if kind == .event { wireKind = .binaryEvent }
            if kind == .ack { wireKind = .binaryAck }
        } else {
            if kind == .binaryEvent { wireKind = .event }
            if kind == .binaryAck { wireKind = .ack }
        }
        var out: [UInt8] = [UInt8(ascii: "0") + wireKind.rawValue]
        if wireKind.isBinary {
            out.append(contentsOf: String(attachments.count).utf8)
            out.append(UInt8(ascii: "-"))
        }
        if namespace != "/" {
            out.append(contentsOf: namespace.utf8)
            out.append(UInt8(ascii: ","))
        }
        if let id {
            out.append(contentsOf: String(id).utf8)
        }
        payload?.write(to: &out)
        return [.text(String(decoding: out, as: UTF8.self))] + attachments.map(EngineIOData.binary)
    }
}
