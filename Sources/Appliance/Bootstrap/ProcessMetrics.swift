import Foundation

/// The process metrics every Prometheus client library exports (CPU seconds, resident
/// memory, open file descriptors, start time), read from Linux `/proc` at scrape time.
struct ProcessMetrics: Equatable {
    var userCPUSeconds: Double
    var systemCPUSeconds: Double
    var residentMemoryBytes: Int
    var virtualMemoryBytes: Int
    var startTimeSeconds: Double
    var openFileDescriptors: Int
    var maxFileDescriptors: Int

    /// Parses `/proc/self/stat` (proc(5)). The command name in field 2 may hold spaces and
    /// parentheses, so fields are counted from the last `)`.
    static func parse(
        stat: String, bootTime: Double, clockTicksPerSecond: Double, pageSize: Int,
        openFileDescriptors: Int, maxFileDescriptors: Int
    ) -> ProcessMetrics? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // After ")": field 3 (state) is index 0, so field N is index N - 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? {
            let index = number - 3
            return fields.indices.contains(index) ? Double(fields[index]) : nil
        }
        guard let utime = field(14), let stime = field(15), let start = field(22),
            let vsize = field(23), let rss = field(24)
        else { return nil }
        return ProcessMetrics(
            userCPUSeconds: utime / clockTicksPerSecond,
            systemCPUSeconds: stime / clockTicksPerSecond,
            residentMemoryBytes: Int(rss) * pageSize,
            virtualMemoryBytes: Int(vsize),
            startTimeSeconds: bootTime + start / clockTicksPerSecond,
            openFileDescriptors: openFileDescriptors,
            maxFileDescriptors: maxFileDescriptors
        )
    }

    /// The `btime` line of `/proc/stat`: when the machine booted, in Unix seconds.
    static func parseBootTime(procStat: String) -> Double? {
        procStat.split(separator: "\n").first { $0.hasPrefix("btime ") }
            .flatMap { Double($0.dropFirst("btime ".count).trimmingCharacters(in: .whitespaces)) }
    }

    /// The metrics in the Prometheus text format, with the names prom-client uses.
    var exposition: String {
        let rows: [(name: String, type: String, help: String, value: String)] = [
            ("process_cpu_user_seconds_total", "counter", "Total user CPU time spent in seconds.", format(userCPUSeconds)),
            ("process_cpu_system_seconds_total", "counter", "Total system CPU time spent in seconds.", format(systemCPUSeconds)),
            ("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", format(userCPUSeconds + systemCPUSeconds)),
            ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", String(residentMemoryBytes)),
            ("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", String(virtualMemoryBytes)),
            ("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", format(startTimeSeconds)),
            ("process_open_fds", "gauge", "Number of open file descriptors.", String(openFileDescriptors)),
            ("process_max_fds", "gauge", "Maximum number of open file descriptors.", String(maxFileDescriptors)),
        ]
        return rows.map { "# HELP \($0.name) \($0.help)\n# TYPE \($0.name) \($0.type)\n\($0.name) \($0.value)\n" }.joined()
    }

    private func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    /// Reads the current process's metrics; `nil` when `/proc` is not there (not Linux).
    static func current() -> ProcessMetrics? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let procStat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let bootTime = parseBootTime(procStat: procStat)
        else { return nil }
        let openFDs = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 1) - 1
        var limit = rlimit()
        let maxFDs = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int(limit.rlim_cur) : 0
        return parse(
            stat: stat, bootTime: bootTime, clockTicksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))),
            pageSize: Int(sysconf(Int32(_SC_PAGESIZE))), openFileDescriptors: openFDs, maxFileDescriptors: maxFDs)
    }
}
