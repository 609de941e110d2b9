package io.pgmcp.observability;

import io.pgmcp.config.LoggingConfig;
import io.pgmcp.config.ObservabilityConfig;
import io.pgmcp.config.TracingConfig;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The one instrumentation point of a call's stages: {@link #stage} opens a span and a timer,
 * and closing the {@link Stage} records the metric that stage feeds, the slow-query log and the span's
 * end. Everything a stage reports goes through here, so each stage is instrumented once.
 *
 * <p>With tracing disabled the OpenTelemetry SDK is not loaded and a stage costs two ticker reads and one
 * small object. Thread-safe.
 */
public final class Telemetry implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(Telemetry.class.getName());

    private final Metrics metrics;
    private final Tracing tracing;
    private final LoggingConfig logging;
    private final Ticker ticker;

    Telemetry(Metrics metrics, Tracing tracing, LoggingConfig logging, Ticker ticker) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.logging = Objects.requireNonNull(logging, "logging");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * Metrics, tracing as {@code config.tracing()} says (an OTLP exporter when enabled) and the
     * logging settings. With tracing and {@code include_trace_id} on, log lines written inside a span
     * carry its ids from now on.
     *
     * @param version the server version ({@code service.version})
     * @throws IllegalArgumentException when tracing is enabled with a protocol that cannot be used
     */
    public static Telemetry start(ObservabilityConfig config, String version, Metrics metrics, Ticker ticker) {
        Tracing tracing = config.tracing().enabled() ? otlp(config.tracing(), version) : Tracing.NONE;
        if (tracing != Tracing.NONE && config.logging().includeTraceId()) {
            Logging.traceIds(tracing::current);
        }
        return new Telemetry(metrics, tracing, config.logging(), ticker);
    }

    // a method of its own so that the class is loaded only when tracing is on
    private static Tracing otlp(TracingConfig config, String version) {
        return new OtlpTracing(config, version);
    }

    /** Metrics only, no tracing, default logging settings: for tests and tools built without a server. */
    public static Telemetry metricsOnly(Metrics metrics) {
        return new Telemetry(metrics, Tracing.NONE, LoggingConfig.defaults(), Ticker.system());
    }

    /** A telemetry that records into a registry nobody reads. */
    public static Telemetry discarding() {
        return metricsOnly(new Metrics("", List.of()));
    }

    public Metrics metrics() {
        return metrics;
    }

    /**
     * Opens the span of one tool call ({@code tools/call <tool>}), continuing the caller's trace when
     * {@code traceparent} (from the request's {@code _meta}) is a valid W3C value.
     */
    public Stage toolCall(String tool, String traceparent, String tracestate) {
        SpanScope span = tracing.root(StageName.TOOL_CALL.spanName() + " " + tool, traceparent, tracestate);
        span.attribute("mcp.method.name", "tools/call");
        span.attribute("gen_ai.tool.name", tool);
        return new Stage(this, StageName.TOOL_CALL, "", span, ticker.read());
    }

    /**
     * Opens a stage of the current call, a child of the current span.
     *
     * @param database the configured database it works on, or "" (must be bounded: it is a metric label)
     */
    public Stage stage(StageName name, String database) {
        if (name == StageName.TOOL_CALL) {
            throw new IllegalArgumentException("open a tool call with toolCall(), not stage()");
        }
        return new Stage(this, name, database, tracing.child(name.spanName()), ticker.read());
    }

    /** One feedback retry of SQL generation; {@code reason} is the error code that caused it. */
    public void sqlRetry(String database, String reason) {
        metrics.recordSqlRetry(database, reason);
    }

    /** A listener that counts every attempt of {@code operation} in {@code pg_mcp_retry_attempts_total}. */
    public Retry.Listener retryListener(String operation) {
        return metrics.retryListener(operation);
    }

    boolean logSql() {
        return logging.logSql();
    }

    double elapsedSince(long started) {
        return Math.max(0, ticker.read() - started) / 1e9;
    }

    /** What a closed stage feeds. */
    void finished(Stage stage, double seconds) {
        String status = stage.failed() ? Metrics.ERROR : Metrics.SUCCESS;
        switch (stage.name()) {
            case SQL_GENERATION -> metrics.recordSqlGeneration(stage.database(), status, seconds);
            case LLM_REQUEST ->
                metrics.recordOpenAiRequest(status, seconds, stage.promptTokens(), stage.completionTokens());
            case GUARD -> metrics.recordGuard(stage.database(), seconds);
            case EXECUTE -> {
                metrics.recordDbQuery(stage.database(), seconds);
                slowQuery(stage, seconds);
            }
            case TOOL_CALL, RATE_LIMIT, EXPLAIN -> {}
        }
    }

    private void slowQuery(Stage stage, double seconds) {
        Duration threshold = logging.slowQueryThreshold();
        if (seconds * 1e9 < threshold.toNanos() || stage.sqlText() == null) {
            return;
        }
        String sql = stage.sqlText();
        String text = logging.logSql() ? " sql=" + Stage.cut(sql).replace('\n', ' ') : "";
        logger.log(System.Logger.Level.WARNING, () -> String.format(Locale.ROOT,
                "slow query on database '%s': %.3f s (threshold %.3f s) sql_hash=%s%s", stage.database(), seconds,
                threshold.toNanos() / 1e9, Stage.sqlHash(sql), text));
    }

    /** Exports the spans still buffered (waiting a few seconds at most) and stops tracing. */
    @Override
    public void close() {
        tracing.close();
    }
}
