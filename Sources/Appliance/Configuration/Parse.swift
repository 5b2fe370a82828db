import Logging
import Signal

/// Parsers for configuration values. Each failure says what a valid value looks like.
enum Parse {
    struct Failure: Error, Equatable {
        var message: String
    }

    static func text(_ raw: String) -> Result<String, Failure> {
        .success(raw)
    }

    static func path(_ raw: String) -> Result<String, Failure> {
        raw.isEmpty || raw.contains("\0") ? .failure(.init(message: "must be a file system path")) : .success(raw)
    }

    static func port(_ raw: String) -> Result<Int, Failure> {
        guard let port = Int(raw), (0...65535).contains(port) else {
            return .failure(.init(message: "must be a port number from 1 to 65535 (0 picks a free port)"))
        }
        return .success(port)
    }

    static func bool(_ raw: String) -> Result<Bool, Failure> {
        switch raw.lowercased() {
        case "true", "yes", "on", "1": .success(true)
        case "false", "no", "off", "0": .success(false)
        default: .failure(.init(message: "must be true or false"))
        }
    }

    static func environment(_ raw: String) -> Result<DeploymentEnvironment, Failure> {
        oneOf(raw, DeploymentEnvironment.allCases)
    }

    static func logFormat(_ raw: String) -> Result<ApplianceConfiguration.LogFormat, Failure> {
        oneOf(raw, ApplianceConfiguration.LogFormat.allCases)
    }

    static func logLevel(_ raw: String) -> Result<Logger.Level, Failure> {
        oneOf(raw, Logger.Level.allCases)
    }

    /// An IP literal to bind (`0.0.0.0`, `::`, `192.0.2.10`).
    static func ipLiteral(_ raw: String) -> Result<String, Failure> {
        IPRange.addressBytes(raw) == nil
            ? .failure(.init(message: "must be an IPv4 or IPv6 address such as 0.0.0.0 or ::"))
            : .success(raw)
    }

    /// An address or DNS name to listen on.
    static func host(_ raw: String) -> Result<String, Failure> {
        if IPRange.addressBytes(raw) != nil { return .success(raw) }
        let labels = raw.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !raw.isEmpty && raw.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        return valid
            ? .success(raw)
            : .failure(.init(message: "must be an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only) or a host name"))
    }

    static func ipRange(_ raw: String) -> Result<IPRange, Failure> {
        IPRange(raw).map { .success($0) }
            ?? .failure(.init(message: "must be an address or CIDR range such as 10.0.0.0/8 or fd00::/8"))
    }

    private static func oneOf<T: RawRepresentable>(_ raw: String, _ cases: [T]) -> Result<T, Failure> where T.RawValue == String {
        if let match = cases.first(where: { $0.rawValue == raw.lowercased() }) { return .success(match) }
        return .failure(.init(message: "must be one of " + cases.map(\.rawValue).joined(separator: ", ")))
    }
}

extension DeploymentEnvironment: CustomStringConvertible {
    public var description: String { rawValue }
}

extension ApplianceConfiguration.LogFormat: CustomStringConvertible {
    var description: String { rawValue }
}
