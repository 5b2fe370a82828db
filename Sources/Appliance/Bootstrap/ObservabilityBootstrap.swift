import Foundation
import Logging
import Metrics
import Prometheus
import Signal

/// The executable's one-time bootstrap of swift-log and swift-metrics; libraries only
/// create `Logger`s and metrics (STYLE.md, "libraries never bootstrap").
enum ObservabilityBootstrap {
    /// Chooses the log format: `auto` is text on a terminal, JSON lines otherwise.
    static func logFormat(_ configured: ApplianceConfiguration.LogFormat) -> StandardErrorLogHandler.Format {
        switch configured {
        case .json: .json
        case .text: .text
        case .auto: isatty(STDERR_FILENO) == 1 ? .text : .json
        }
    }

    static func bootstrapLogging(format: ApplianceConfiguration.LogFormat, level: Logger.Level) {
        let format = logFormat(format)
        LoggingSystem.bootstrap { label in
            StandardErrorLogHandler(label: label, format: format, level: level)
        }
    }

    /// Routes swift-metrics into a Prometheus registry and returns what `/metrics` serves.
    static func bootstrapMetrics() -> @Sendable () -> String {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = SignalMetrics.histogramBuckets
        MetricsSystem.bootstrap(factory)
        return {
            (ProcessMetrics.current()?.exposition ?? "") + registry.emitToString()
        }
    }
}
