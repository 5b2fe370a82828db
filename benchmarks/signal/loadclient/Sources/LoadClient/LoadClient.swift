import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// The compiled twin of benchmarks/signal/sioload.py: the same phases, events, timing
/// points and JSON output, to tell the load client's own delays from the machine's
/// (docs/performance.md, "Compiled load client"). Connections live in NIO channel
/// handlers on a few event loops (no task per connection).
@main
struct LoadClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sioload",
        abstract: "Holds N authenticated Socket.IO connections and drives call set-ups between them.",
        discussion: """
            1. one guest token per connection (POST /api/auth/guest); 2. the WebSockets \
            (Engine.IO v4, Socket.IO CONNECT with the token), the server's RSS before and after \
            --settle idle seconds; 3. --rate call set-ups per second for --duration seconds. \
            Prints one JSON object (and a summary on stderr).
            """)

    @Option(help: "The server, http://HOST:PORT.") var url: String
    @Option(help: "The Socket.IO path.") var path = "/socket.io/"
    @Option(help: "Connections to hold.") var connections = 1000
    @Option(name: .customLong("server-pid"), help: "The server's process id, for its RSS.") var serverPID: Int32
    @Option(help: "Idle seconds before reading the RSS.") var settle = 5.0
    @Option(help: "Call set-ups per second (0: none).") var rate = 0.0
    @Option(help: "Seconds of call set-ups.") var duration = 20.0
    @Option(help: "Handshakes in flight.") var concurrency = 200
    @Option(help: "Event-loop threads (default: the CPUs this process may use).") var threads: Int?

    /// Guest tokens in flight, as sioload.py.
    static let tokenConcurrency = 50
    /// The most the token and the connection phases may take (each took 5–16 s for 10,000).
    static let phaseTimeout = Duration.seconds(600)

    func validate() throws {
        guard (1...1_000_000).contains(connections) else { throw ValidationError("--connections must be 1 to 1,000,000") }
        guard serverPID > 0 else { throw ValidationError("--server-pid must be a process id") }
        guard settle >= 0, settle <= 3600 else { throw ValidationError("--settle must be 0 to 3600 seconds") }
        guard rate >= 0, rate <= 100_000 else { throw ValidationError("--rate must be 0 to 100,000 set-ups per second") }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be over 0 and at most 3600 seconds") }
        guard rate == 0 || connections >= 2 else { throw ValidationError("call set-ups need --connections 2 or more") }
        guard rate == 0 || Int(rate * duration) >= 1 else { throw ValidationError("--rate × --duration is under one set-up") }
        guard (1...10_000).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 10,000") }
        guard path.hasPrefix("/") else { throw ValidationError("--path must start with /") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be 1 to 256") }
    }

    func run() async throws {
        let server = try ServerAddress(url: url)
        let cpus = try LinuxProcess.allowedCPUs()
        _ = try LinuxProcess.residentKiB(pid: serverPID)  // fail now, not after the tokens
        try LinuxProcess.allowDescriptors(for: connections)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads ?? max(1, cpus.count))
        let report: Report
        do {
            report = try await measure(server, group: group, cpus: cpus)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        try printReport(report)
    }

    private func measure(_ server: ServerAddress, group: MultiThreadedEventLoopGroup, cpus: [Int]) async throws -> Report {
        var report = Report(url: url, connections: connections, threads: threads ?? max(1, cpus.count), cpus: cpus)
        let driver = CallDriver()
        let violations = ProtocolViolations()

        var started = ContinuousClock.now
        let tokens = try await boundedMap(count: connections, limit: Self.tokenConcurrency, phase: "getting guest tokens") { _ in
            try await ServerQueries.guestToken(from: server, group: group)
        }
        report.guestTokensS = rounded(seconds(since: started), places: 2)
        // After the REST calls, so that only the connections count (not the accounts database).
        try await Task.sleep(for: .seconds(1))
        report.serverRssBeforeKib = try LinuxProcess.residentKiB(pid: serverPID)

        started = ContinuousClock.now
        let held = try await boundedMap(count: connections, limit: concurrency, phase: "opening connections") { index in
            try await WebSocketConnector.open(
                server, path: path, as: tokens[index], group: group, events: driver, violations: violations)
        }
        report.connectS = rounded(seconds(since: started), places: 2)
        try await Task.sleep(for: .seconds(settle))
        try violations.check()
        report.aliveAfterSettle = held.count { $0.isAlive }
        report.serverRssAfterKib = try LinuxProcess.residentKiB(pid: serverPID)
        report.serverRssPerConnectionBytes = Int(
            (Double(report.serverRssAfterKib - report.serverRssBeforeKib) * 1024 / Double(connections)).rounded())

        if rate > 0 {
            let pairs = stride(from: 0, to: held.count - 1, by: 2).map { (held[$0], held[$0 + 1]) }
            let count = Int(rate * duration)
            let cpuBefore = LinuxProcess.cpuSeconds()
            let waitBefore = LinuxProcess.schedstat().wait
            let serverBefore = LinuxProcess.schedstat(of: "\(serverPID)")
            let relayBefore = try await ServerQueries.relayBuckets(from: server, group: group)
            // A moment's lead, so that scheduling every set-up is over before the first is due.
            let start = NIODeadline.now() + .milliseconds(200)
            driver.schedule(count: count, rate: rate, from: start, pairs: pairs)
            let lastDue = start + .nanoseconds(Int64(Double(count - 1) * 1e9 / rate))
            let giveUp = lastDue + CallDriver.setupTimeout + .seconds(5)
            while !driver.settleTimedOut(now: .now(), count: count) {
                guard NIODeadline.now() < giveUp else {
                    throw LoadClientError("set-ups neither completed nor timed out by 5 s after the last one's timeout: the client's event loops are stuck")
                }
                try violations.check()
                try await Task.sleep(for: .milliseconds(50))
            }
            try violations.check()
            report.calls = driver.report(count: count, rate: rate, pairs: pairs.count, start: start)
            report.calls?.clientCpuS = rounded(LinuxProcess.cpuSeconds() - cpuBefore, places: 2)
            report.calls?.clientRunQueueWaitS = rounded(LinuxProcess.schedstat().wait - waitBefore, places: 2)
            let serverAfter = LinuxProcess.schedstat(of: "\(serverPID)")
            report.calls?.serverCpuS = rounded(serverAfter.cpu - serverBefore.cpu, places: 2)
            report.calls?.serverRunQueueWaitS = rounded(serverAfter.wait - serverBefore.wait, places: 2)
            report.calls?.serverEventRelayBuckets = ServerQueries.difference(
                try await ServerQueries.relayBuckets(from: server, group: group), relayBefore)
            report.aliveAfterCalls = held.count { $0.isAlive }
        }
        for connection in held { connection.channel.close(promise: nil) }
        return report
    }

    private func printReport(_ report: Report) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
        var summary = "\(report.aliveAfterSettle)/\(connections) connections alive; server RSS \(report.serverRssBeforeKib) -> "
            + "\(report.serverRssAfterKib) KiB = \(report.serverRssPerConnectionBytes) bytes per idle connection\n"
        if let calls = report.calls {
            summary += "calls: \(calls.completed)/\(calls.setups) at \(calls.achievedRate)/s; event relay p50 "
                + "\(calls.eventRelayMs.p50.map { "\($0)" } ?? "-") ms, p99 \(calls.eventRelayMs.p99.map { "\($0)" } ?? "-") ms\n"
        }
        FileHandle.standardError.write(Data(summary.utf8))
    }
}

/// `work(0..<count)` with at most `limit` in flight, results in index order (sioload.py's
/// `bounded`): `limit` workers, each taking every `limit`-th index. The first error stops
/// all, and so does `LoadClient.phaseTimeout` (workers stop after their current item).
func boundedMap<Result: Sendable>(
    count: Int, limit: Int, phase: String, _ work: @escaping @Sendable (Int) async throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: [(Int, Result)].self) { group in
        let workers = min(limit, count)
        for worker in 0..<workers {
            group.addTask {
                var done: [(Int, Result)] = []
                for index in stride(from: worker, to: count, by: limit) {
                    try Task.checkCancellation()
                    done.append((index, try await work(index)))
                }
                return done
            }
        }
        group.addTask {
            try await Task.sleep(for: LoadClient.phaseTimeout)
            throw LoadClientError("\(phase) took over \(LoadClient.phaseTimeout): is the server overloaded?")
        }
        var results = [Result?](repeating: nil, count: count)
        for _ in 0..<workers {
            for (index, result) in try await group.next() ?? [] { results[index] = result }
        }
        group.cancelAll()  // the watchdog
        return results.map { $0! }
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
