package io.pgmcp.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Logging to stderr: level, format, whether lines carry the trace id, whether SQL text is logged, and
 * the duration over which a query is logged as slow.
 */
public record LoggingConfig(System.Logger.Level level, LogFormat format, boolean includeTraceId, boolean logSql,
        Duration slowQueryThreshold) {

    public LoggingConfig {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(slowQueryThreshold, "slowQueryThreshold");
        if (level == System.Logger.Level.ALL || level == System.Logger.Level.OFF) {
            throw new IllegalArgumentException("level must be one of trace, debug, info, warn, error");
        }
        if (!slowQueryThreshold.isPositive()) {
            throw new IllegalArgumentException("slow_query_threshold must be positive");
        }
    }

    public static LoggingConfig defaults() {
        return new LoggingConfig(System.Logger.Level.INFO, LogFormat.JSON, true, false, Duration.ofSeconds(5));
    }
}
