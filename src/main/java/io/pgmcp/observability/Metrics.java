package io.pgmcp.observability;

import io.pgmcp.resilience.LimitType;
import io.pgmcp.resilience.Retry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Every Prometheus metric of pg-mcp (with its labels and buckets), database availability and audit
 * write failures (for the alerts of {@code conf/prometheus-alerts.yaml}) plus the JVM metrics, in
 * one registry owned by this object — never the library's static default registry, so two servers
 * (or two tests) in one JVM do not share counters.
 *
 * <p>Label values must be bounded: configured database names, error code names, limit types. Never
 * SQL text, questions or client identities. Thread-safe: the recording methods may be called from
 * any number of virtual threads at once.
 */
public final class Metrics {
    private static final System.Logger logger = System.getLogger(Metrics.class.getName());

    /** The status label of a successful request or LLM call. */
    public static final String SUCCESS = "success";
    /** The status label of a failed request or LLM call. */
    public static final String ERROR = "error";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** False when nobody reads the registry (metrics off): the recording methods then do nothing. */
    private final boolean recording;

    private final Counter requestsTotal;
    private final Counter principalRequestsTotal;
    private final Histogram requestDuration;
    private final Gauge requestsInFlight;
    private final Counter sqlGenerationTotal;
    private final Histogram sqlGenerationDuration;
    private final Counter sqlRetriesTotal;
    private final Histogram dbQueryDuration;
    private final Counter openaiTokensTotal;
    private final Counter openaiRequestsTotal;
    private final Histogram openaiRequestDuration;
    private volatile java.util.function.Supplier<java.util.Map<LimitType, Long>> rateLimitUsage = java.util.Map::of;
    private final Counter rateLimitExceededTotal;
    private final Counter policyCheckTotal;
    private final Histogram guardDuration;
    private final Counter retryAttemptsTotal;
    private volatile List<AvailabilityGauge> availability = List.of();
    private volatile AuditFailures auditFailures; // null: no audit log, no samples

    /** What {@code pg_mcp_audit_write_failures_total} reads at scrape time. */
    private record AuditFailures(String storage, LongSupplier count) {}

    /**
     * Registers all metrics, recording.
     *
     * @param version the server version ({@code pg_mcp_service_info{version}})
     * @param pools   one entry per database; read on every scrape
     */
    public Metrics(String version, List<PoolGauge> pools) {
        this(version, pools, true);
    }

    /**
     * Registers all metrics.
     *
     * @param recording false for a server whose metrics are off: the per-call recording methods
     *                  ({@code request*}, {@code record*}, the retry listener) return at once, and those series
     *                  stay at their initial values; what is read at scrape time (callbacks, info) is unaffected
     */
    public Metrics(String version, List<PoolGauge> pools, boolean recording) {
        this.recording = recording;
        Objects.requireNonNull(version, "version");
        List<PoolGauge> gauges = List.copyOf(pools);

        requestsTotal = Counter.builder().name("pg_mcp_requests_total").help("Total number of requests")
                .labelNames("database", "status", "error_code").register(registry);
        // series only for what observability.metrics.principal_label lets the recorder record: principals entries
        principalRequestsTotal = Counter.builder().name("pg_mcp_principal_requests_total")
                .help("Total number of tool calls per principals entry").labelNames("principal", "status")
                .register(registry);
        requestDuration = Histogram.builder().name("pg_mcp_request_duration_seconds")
                .help("Request duration in seconds")
                .labelNames("database").classicOnly()
                .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0).register(registry);
        requestsInFlight = Gauge.builder().name("pg_mcp_requests_in_flight")
                .help("Number of requests currently being processed")
                .labelNames("database").register(registry);

        sqlGenerationTotal = Counter.builder().name("pg_mcp_sql_generation_total")
                .help("Total number of SQL generation attempts")
                .labelNames("database", "status").register(registry);
        sqlGenerationDuration = Histogram.builder().name("pg_mcp_sql_generation_duration_seconds")
                .help("SQL generation duration in seconds").labelNames("database").classicOnly()
                .classicUpperBounds(0.1, 0.5, 1.0, 2.0, 5.0, 10.0).register(registry);
        sqlRetriesTotal = Counter.builder().name("pg_mcp_sql_retries_total")
                .help("Total number of SQL generation retries")
                .labelNames("database", "reason").register(registry);

        GaugeWithCallback.builder().name("pg_mcp_db_pool_size").help("Database connection pool size")
                .labelNames("database")
                .callback(callback -> gauges.forEach(
                        pool -> read(pool, "size", () -> callback.call(pool.size().getAsInt(), pool.database()))))
                .register(registry);
        GaugeWithCallback.builder().name("pg_mcp_db_pool_available").help("Available connections in pool")
                .labelNames("database")
                .callback(callback -> gauges.forEach(pool -> read(pool, "available",
                        () -> callback.call(pool.available().getAsInt(), pool.database()))))
                .register(registry);
        GaugeWithCallback.builder().name("pg_mcp_database_up")
                .help("Whether the database is reachable, as pg-mcp's calls and recovery probes found it (1 up, 0 down)")
                .labelNames("database")
                .callback(callback -> availability
                        .forEach(db -> callback.call(db.up().getAsBoolean() ? 1 : 0, db.database())))
                .register(registry);
        CounterWithCallback.builder().name("pg_mcp_database_outages_total")
                .help("Times the database went down (a call or schema load could not connect) since start-up")
                .labelNames("database")
                .callback(
                        callback -> availability.forEach(db -> callback.call(db.outages().getAsLong(), db.database())))
                .register(registry);
        dbQueryDuration = Histogram.builder().name("pg_mcp_db_query_duration_seconds")
                .help("Database query execution duration")
                .labelNames("database").classicOnly()
                .classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0).register(registry);

        openaiTokensTotal = Counter.builder().name("pg_mcp_openai_tokens_used_total").help("Total OpenAI tokens used")
                .labelNames("type").register(registry);
        openaiRequestsTotal = Counter.builder().name("pg_mcp_openai_requests_total").help("Total OpenAI API requests")
                .labelNames("status").register(registry);
        openaiRequestDuration = Histogram.builder().name("pg_mcp_openai_request_duration_seconds")
                .help("OpenAI API request duration")
                .classicOnly().classicUpperBounds(0.5, 1.0, 2.0, 5.0, 10.0, 30.0).register(registry);

        GaugeWithCallback.builder().name("pg_mcp_rate_limit_current").help("Current rate limit usage")
                .labelNames("limit_type")
                .callback(
                        callback -> rateLimitUsage.get().forEach((type, used) -> callback.call(used, type.wireName())))
                .register(registry);
        rateLimitExceededTotal = Counter.builder().name("pg_mcp_rate_limit_exceeded_total")
                .help("Total number of rate limit exceeded events").labelNames("limit_type").register(registry);
        // every series of a bounded label set exists from the start at 0: increase() and rate() see the
        // first refusal instead of a series that appears already at 1
        for (LimitType type : LimitType.values()) {
            rateLimitExceededTotal.initLabelValues(type.wireName());
        }

        policyCheckTotal = Counter.builder().name("pg_mcp_policy_check_total").help("Total number of policy checks")
                .labelNames("check_type", "result").register(registry);
        for (PolicyCheck check : PolicyCheck.values()) {
            for (PolicyResult result : PolicyResult.values()) {
                policyCheckTotal.initLabelValues(check.label(), result.label());
            }
        }

        guardDuration = Histogram.builder().name("pg_mcp_guard_duration_seconds")
                .help("SQL guard duration (lex, parse, access policy) in seconds").labelNames("database").classicOnly()
                .classicUpperBounds(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05)
                .register(registry);
        retryAttemptsTotal = Counter.builder().name("pg_mcp_retry_attempts_total")
                .help("Attempts of retried operations by how they ended (success, retry, failure)")
                .labelNames("operation", "outcome").register(registry);

        CounterWithCallback.builder().name("pg_mcp_audit_write_failures_total")
                .help("Audit events that could not be written (each such call was answered with an error instead of its result)")
                .labelNames("storage")
                .callback(callback -> {
                    AuditFailures failures = auditFailures;
                    if (failures != null) {
                        callback.call(failures.count().getAsLong(), failures.storage());
                    }
                })
                .register(registry);

        Info serviceInfo = Info.builder().name("pg_mcp_service").help("Service information").labelNames("version")
                .register(registry);
        serviceInfo.setLabelValues(version);
    }

    /**
     * Adds the JVM's own metrics (memory, GC, threads, ...). Separate from the constructor because it
     * is slow (management beans): the server does it in the background, after start-up.
     */
    public void registerJvmMetrics() {
        JvmMetrics.builder().register(registry);
    }

    /** A pool that cannot report (closed, failing) is left out of this scrape instead of failing it. */
    private static void read(PoolGauge pool, String what, Runnable report) {
        try {
            report.run();
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.DEBUG, "pool {0} of database {1} could not be read: {2}", what,
                    pool.database(), e.toString());
        }
    }

    /** The registry to expose; owned by this object. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** A request of {@code database} started; pair with {@link #requestFinished}. */
    public void requestStarted(String database) {
        if (!recording) {
            return;
        }
        requestsInFlight.labelValues(database).inc();
    }

    /** A request of {@code database} that {@link #requestStarted} counted has ended. */
    public void requestFinished(String database) {
        if (!recording) {
            return;
        }
        requestsInFlight.labelValues(database).dec();
    }

    /**
     * Records one finished request.
     *
     * @param status    {@link #SUCCESS} or {@link #ERROR}
     * @param errorCode the error code name; null or empty for a success (recorded as "")
     */
    public void recordRequest(String database, String status, double durationSeconds, String errorCode) {
        if (!recording) {
            return;
        }
        requestsTotal.labelValues(database, status, errorCode == null ? "" : errorCode).inc();
        requestDuration.labelValues(database).observe(durationSeconds);
    }

    /**
     * Records one finished tool call of a principals entry ({@code principal}: its configured name, so the label
     * has as many values as the configuration has entries).
     *
     * @param status {@link #SUCCESS} or {@link #ERROR}
     */
    public void recordPrincipalRequest(String principal, String status) {
        if (!recording) {
            return;
        }
        principalRequestsTotal.labelValues(principal, status).inc();
    }

    /** Records one SQL generation by the LLM; {@code status} is {@link #SUCCESS} or {@link #ERROR}. */
    public void recordSqlGeneration(String database, String status, double durationSeconds) {
        if (!recording) {
            return;
        }
        sqlGenerationTotal.labelValues(database, status).inc();
        sqlGenerationDuration.labelValues(database).observe(durationSeconds);
    }

    /** Records one SQL generation retry; {@code reason} is a fixed word such as an error code name. */
    public void recordSqlRetry(String database, String reason) {
        if (!recording) {
            return;
        }
        sqlRetriesTotal.labelValues(database, reason).inc();
    }

    /** Records the execution time of one query on {@code database}. */
    public void recordDbQuery(String database, double durationSeconds) {
        if (!recording) {
            return;
        }
        dbQueryDuration.labelValues(database).observe(durationSeconds);
    }

    /** Records one OpenAI request with its token usage; {@code status} is {@link #SUCCESS} or {@link #ERROR}. */
    public void recordOpenAiRequest(String status, double durationSeconds, long promptTokens, long completionTokens) {
        if (!recording) {
            return;
        }
        openaiRequestsTotal.labelValues(status).inc();
        openaiRequestDuration.observe(durationSeconds);
        openaiTokensTotal.labelValues("prompt").inc(promptTokens);
        openaiTokensTotal.labelValues("completion").inc(completionTokens);
    }

    /** Records the SQL guard's time for one statement of {@code database}. */
    public void recordGuard(String database, double durationSeconds) {
        if (!recording) {
            return;
        }
        guardDuration.labelValues(database).observe(durationSeconds);
    }

    /**
     * A listener that counts each attempt of {@code operation} by outcome in
     * {@code pg_mcp_retry_attempts_total}.
     *
     * @param operation a fixed word: "openai" or "database"
     */
    public Retry.Listener retryListener(String operation) {
        Objects.requireNonNull(operation, "operation");
        if (!recording) {
            return Retry.Listener.NONE;
        }
        return new Retry.Listener() {
            @Override
            public void onRetry(int attempt, java.time.Duration delay, Exception failure) {}

            @Override
            public void onAttempt(int attempt, Retry.Outcome outcome) {
                retryAttemptsTotal.labelValues(operation, outcome.name().toLowerCase(java.util.Locale.ROOT)).inc();
            }
        };
    }

    /** Records one refusal by the rate limiter. */
    public void recordRateLimitExceeded(LimitType limitType) {
        if (!recording) {
            return;
        }
        rateLimitExceededTotal.labelValues(limitType.wireName()).inc();
    }

    /**
     * Where {@code pg_mcp_rate_limit_current} reads, at every scrape, what each budget has used in its
     * current window (the rate limiter's {@code usage()}); until set, the metric has no samples.
     */
    public void rateLimitUsage(java.util.function.Supplier<java.util.Map<LimitType, Long>> usage) {
        this.rateLimitUsage = java.util.Objects.requireNonNull(usage, "usage");
    }

    /**
     * Where {@code pg_mcp_database_up} and {@code pg_mcp_database_outages_total} read, at every scrape,
     * each database's availability; until set, those metrics have no samples.
     */
    public void availability(List<AvailabilityGauge> databases) {
        this.availability = List.copyOf(databases);
    }

    /**
     * Where {@code pg_mcp_audit_write_failures_total{storage}} reads, at every scrape, how many audit
     * events could not be written (the audit log's count); until set (no audit log), it has no samples.
     *
     * @param storage a fixed word: the configured {@code audit.storage} ("file", "database", ...)
     */
    public void auditWriteFailures(String storage, LongSupplier failures) {
        this.auditFailures = new AuditFailures(Objects.requireNonNull(storage, "storage"),
                Objects.requireNonNull(failures, "failures"));
    }

    /** Records one policy check outcome. */
    public void recordPolicyCheck(PolicyCheck check, PolicyResult result) {
        if (!recording) {
            return;
        }
        policyCheckTotal.labelValues(check.label(), result.label()).inc();
    }

    /** The {@code check_type} label of {@code pg_mcp_policy_check_total}. */
    public enum PolicyCheck {
        TABLE, COLUMN, EXPLAIN;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The {@code result} label of {@code pg_mcp_policy_check_total}. */
    public enum PolicyResult {
        PASSED, DENIED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
