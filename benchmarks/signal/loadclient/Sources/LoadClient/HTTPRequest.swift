import NIOCore
import NIOHTTP1

extension ChannelHandlerContext {
    /// Writes a request without a body (its head, then its end) to the HTTP encoder below:
    /// `Host` first, then `headers`, as sioload.py writes them.
    func sendRequest(_ method: HTTPMethod, _ uri: String, to server: ServerAddress, headers extra: KeyValuePairs<String, String> = [:]) {
        var headers = HTTPHeaders([("Host", "\(server.host):\(server.port)")])
        for (name, value) in extra { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
        write(NIOAny(HTTPClientRequestPart.head(head)), promise: nil)
        writeAndFlush(NIOAny(HTTPClientRequestPart.end(nil)), promise: nil)
    }
}
