import Testing

@testable import Appliance

@Suite struct ProcessMetricsTests {
    /// A `/proc/self/stat` line whose command name holds a space and a parenthesis.
    let stat = "4242 (no track) x) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 130 0 0 20 0 9 0 5000 1073741824 2560 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0"

    @Test func parsesCPUMemoryAndStartTime() throws {
        let metrics = try #require(
            ProcessMetrics.parse(stat: stat, bootTime: 1_700_000_000, clockTicksPerSecond: 100, pageSize: 4096, openFileDescriptors: 12, maxFileDescriptors: 65536))
        #expect(metrics.userCPUSeconds == 2.5)
        #expect(metrics.systemCPUSeconds == 1.3)
        #expect(metrics.startTimeSeconds == 1_700_000_050)
        #expect(metrics.virtualMemoryBytes == 1_073_741_824)
        #expect(metrics.residentMemoryBytes == 2560 * 4096)
    }

    @Test func truncatedStatIsRejected() {
        #expect(ProcessMetrics.parse(stat: "1 (x) S 1 2", bootTime: 0, clockTicksPerSecond: 100, pageSize: 4096, openFileDescriptors: 0, maxFileDescriptors: 0) == nil)
        #expect(ProcessMetrics.parse(stat: "garbage", bootTime: 0, clockTicksPerSecond: 100, pageSize: 4096, openFileDescriptors: 0, maxFileDescriptors: 0) == nil)
    }

    @Test func bootTimeComesFromProcStat() {
        #expect(ProcessMetrics.parseBootTime(procStat: "cpu 1 2 3\nbtime 1700000000\nprocesses 5\n") == 1_700_000_000)
        #expect(ProcessMetrics.parseBootTime(procStat: "cpu 1 2 3\n") == nil)
    }

    @Test func exposesPrometheusNames() throws {
        let metrics = try #require(ProcessMetrics.current())
        let text = metrics.exposition
        for name in ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds"] {
            #expect(text.contains("# TYPE \(name) "))
        }
        #expect(metrics.openFileDescriptors > 0)
        #expect(metrics.residentMemoryBytes > 0)
    }
}
