import Foundation
import Logging
import Relay
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

    static func positiveInteger(_ raw: String) -> Result<Int, Failure> {
        guard let value = Int(raw), value > 0 else { return .failure(.init(message: "must be a whole number above 0")) }
        return .success(value)
    }

    /// A rate in bytes per second; 0 means no limit (nil).
    static func bytesPerSecond(_ raw: String) -> Result<Int?, Failure> {
        guard let value = Int(raw), value >= 0 else {
            return .failure(.init(message: "must be a whole number of bytes per second, or 0 for no limit"))
        }
        return .success(value == 0 ? nil : value)
    }

    /// bcrypt's cost: 12 (a quarter second per hash on a small box) up to 16.
    static func bcryptCost(_ raw: String) -> Result<Int, Failure> {
        guard let value = Int(raw), (12...16).contains(value) else {
            return .failure(.init(message: "must be a bcrypt cost from 12 to 16 (each step doubles the time per login)"))
        }
        return .success(value)
    }

    /// A duration: a whole number with a unit, `300ms`, `90s`, `15m`, `24h` or `7d`.
    static func duration(_ raw: String) -> Result<Duration, Failure> {
        let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        let failure = Failure(message: "must be a duration such as 300ms, 90s, 15m, 24h or 7d")
        guard let unit = units.first(where: { raw.hasSuffix($0.suffix) && Int64(raw.dropLast($0.suffix.count)) != nil }),
            let value = Int64(raw.dropLast(unit.suffix.count)), value > 0, value <= Int64.max / unit.milliseconds
        else { return .failure(failure) }
        return .success(.milliseconds(value * unit.milliseconds))
    }

    /// Whole milliseconds of a duration, as Engine.IO's settings count them.
    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// A browser origin as browsers send it (`https://app.example.com`, `http://localhost:5173`),
    /// or `*` for any origin.
    static func origin(_ raw: String) -> Result<String, Failure> {
        if raw == "*" { return .success(raw) }
        let failure = Failure(message: "must be an origin such as https://app.example.com (scheme and host, no path), or *")
        guard let schemeEnd = raw.range(of: "://") else { return .failure(failure) }
        let scheme = raw[..<schemeEnd.lowerBound], rest = raw[schemeEnd.upperBound...]
        guard ["http", "https"].contains(scheme), !rest.isEmpty, !rest.contains("/"), !rest.contains(" ") else { return .failure(failure) }
        return .success(raw)
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

    static func registration(_ raw: String) -> Result<SignalConfiguration.Registration, Failure> {
        oneOf(raw, SignalConfiguration.Registration.allCases)
    }

    static func logFormat(_ raw: String) -> Result<ApplianceConfiguration.LogFormat, Failure> {
        oneOf(raw, ApplianceConfiguration.LogFormat.allCases)
    }

    static func logLevel(_ raw: String) -> Result<Logger.Level, Failure> {
        oneOf(raw, Logger.Level.allCases)
    }

    /// An IP literal to bind (`0.0.0.0`, `::`, `192.0.2.10`).
    static func ipLiteral(_ raw: String) -> Result<String, Failure> {
        IPAddress(raw) == nil
            ? .failure(.init(message: "must be an IPv4 or IPv6 address such as 0.0.0.0 or ::"))
            : .success(raw)
    }

    /// An address or DNS name to listen on.
    static func host(_ raw: String) -> Result<String, Failure> {
        if IPAddress(raw) != nil { return .success(raw) }
        let labels = raw.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !raw.isEmpty && raw.count <= 253 && labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        return valid
            ? .success(raw)
            : .failure(.init(message: "must be an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only) or a host name"))
    }

    /// Relayed ports, `LOW-HIGH` within 1024–65535 (RFC 8656 §6.2 suggests 49152–65535).
    static func portRange(_ raw: String) -> Result<ClosedRange<UInt16>, Failure> {
        let parts = raw.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let low = UInt16(parts[0]), let high = UInt16(parts[1]), low >= 1024, low <= high else {
            return .failure(.init(message: "must be a port range LOW-HIGH within 1024-65535, such as 49152-65535"))
        }
        return .success(low...high)
    }

    /// A network the relay may reach (`relay.allowedPeers`), in the relay's own CIDR notation.
    static func cidr(_ raw: String) -> Result<CIDR, Failure> {
        do {
            return .success(try CIDR(raw))
        } catch {
            return .failure(.init(message: "\(error)"))
        }
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
