#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What this client reads from Linux's /proc, and its descriptor limit.
enum LinuxProcess {
    /// A process's resident set size (`VmRSS` in /proc/PID/status), in KiB.
    static func residentKiB(pid: Int32) throws -> Int {
        let status = try statusFile(of: "\(pid)")
        guard let line = status.first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap({ Int($0) })
        else { throw LoadClientError("no VmRSS in /proc/\(pid)/status: is process \(pid) a user-space process?") }
        return kib
    }

    /// The CPUs this process may run on (`Cpus_allowed_list`, which `taskset` narrows),
    /// unlike NIO's `System.coreCount`, which reads cgroup limits only.
    static func allowedCPUs() throws -> [Int] {
        let status = try statusFile(of: "self")
        guard let line = status.first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else {
            throw LoadClientError("no Cpus_allowed_list in /proc/self/status")
        }
        var cpus: [Int] = []
        for range in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = range.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let first = bounds.first, let last = bounds.last, first <= last else {
                throw LoadClientError("unreadable Cpus_allowed_list: \(line)")
            }
            cpus += Array(first...last)
        }
        return cpus
    }

    /// CPU seconds this process has used so far (user and system, all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return .nan }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// (CPU, run-queue wait) seconds of a process's threads so far, from the first two fields
    /// of each thread's /proc/PID/task/TID/schedstat: the wait is time ready to run but
    /// waiting for a CPU, how much of a lag is the machine's run queue rather than the
    /// process's own work.
    static func schedstat(of process: String = "self") -> (cpu: Double, wait: Double) {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process)/task")) ?? []
        var cpu = 0, wait = 0
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/\(process)/task/\(task)/schedstat", encoding: .utf8) else { continue }
            let fields = text.split(separator: " ")
            guard fields.count > 1, let onCPU = Int(fields[0]), let waiting = Int(fields[1]) else { continue }
            cpu += onCPU
            wait += waiting
        }
        return (Double(cpu) / 1e9, Double(wait) / 1e9)
    }

    /// Raises the soft limit on open descriptors to what `connections` need (one each, and
    /// a few for the token requests), within the hard limit; says so if that is too low.
    static func allowDescriptors(for connections: Int) throws {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let needed = rlim_t(connections + 200)
        guard limit.rlim_cur < needed else { return }
        guard limit.rlim_max >= needed else {
            throw LoadClientError("\(connections) connections need \(needed) descriptors; the hard limit is \(limit.rlim_max) (raise it with ulimit -Hn as root)")
        }
        limit.rlim_cur = needed
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            throw LoadClientError("setrlimit(RLIMIT_NOFILE, \(needed)) failed: errno \(errno)")
        }
    }

    private static func statusFile(of process: String) throws -> [Substring] {
        let path = "/proc/\(process)/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadClientError("cannot read \(path): no such process?")
        }
        return text.split(separator: "\n")
    }
}

/// Why the run stopped, said so that the person running it knows what to fix.
struct LoadClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
