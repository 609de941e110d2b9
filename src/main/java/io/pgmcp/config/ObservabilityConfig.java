package io.pgmcp.config;

import java.util.Objects;

/** Metrics, tracing and logging settings. */
public record ObservabilityConfig(MetricsConfig metrics, TracingConfig tracing, LoggingConfig logging) {
    public ObservabilityConfig {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(logging, "logging");
    }

    public static ObservabilityConfig defaults() {
        return new ObservabilityConfig(MetricsConfig.defaults(), TracingConfig.defaults(), LoggingConfig.defaults());
    }
}
