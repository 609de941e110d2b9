package io.pgmcp.observability;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One running stage of a call: a span (current on this thread while open) and a timer. Closing it
 * ends the span and records the stage's metric. Open with {@link Telemetry#stage} in a
 * try-with-resources on the thread that does the work; not thread-safe.
 *
 * <p>Attributes must never hold row values or secrets: callers give counts, costs, verdicts and error
 * codes; the SQL text goes through {@link #sql}, which records it only when {@code logging.log_sql}
 * is on.
 */
public final class Stage implements AutoCloseable {
    /** Longest SQL text put in a span or a log line. */
    public static final int MAX_SQL_CHARS = 500;

    private final Telemetry telemetry;
    private final StageName name;
    private final String database;
    private final SpanScope span;
    private final long started;
    private String errorCode;
    private String sql;
    private long promptTokens;
    private long completionTokens;
    private boolean closed;

    Stage(Telemetry telemetry, StageName name, String database, SpanScope span, long started) {
        this.telemetry = telemetry;
        this.name = name;
        this.database = Objects.requireNonNull(database, "database");
        this.span = span;
        this.started = started;
        if (!database.isEmpty()) {
            span.attribute("db.namespace", database);
        }
    }

    public StageName name() {
        return name;
    }

    public String database() {
        return database;
    }

    public Stage attribute(String key, String value) {
        span.attribute(key, value);
        return this;
    }

    public Stage attribute(String key, long value) {
        span.attribute(key, value);
        return this;
    }

    public Stage attribute(String key, double value) {
        span.attribute(key, value);
        return this;
    }

    public Stage attribute(String key, boolean value) {
        span.attribute(key, value);
        return this;
    }

    /** Marks the stage failed: error status, {@code pg_mcp.error_code}, and the error status of its metric. */
    public Stage fail(String code) {
        this.errorCode = Objects.requireNonNull(code, "code");
        span.attribute("pg_mcp.error_code", code);
        span.error(code);
        return this;
    }

    /** The SQL this stage works on: on the span its hash, and its text (cut to 500 characters) only with {@code log_sql}. */
    public Stage sql(String text) {
        this.sql = Objects.requireNonNull(text, "text");
        if (span != SpanScope.NONE) { // hashing is for the span; without tracing only a slow query needs it
            span.attribute("db.query.hash", sqlHash(text));
            if (telemetry.logSql()) {
                span.attribute("db.query.text", cut(text));
            }
        }
        return this;
    }

    /** The LLM's reported token usage ({@code pg_mcp_openai_tokens_used_total}). */
    public Stage tokens(long prompt, long completion) {
        this.promptTokens = prompt;
        this.completionTokens = completion;
        span.attribute("gen_ai.usage.input_tokens", prompt);
        span.attribute("gen_ai.usage.output_tokens", completion);
        return this;
    }

    boolean failed() {
        return errorCode != null;
    }

    String sqlText() {
        return sql;
    }

    long promptTokens() {
        return promptTokens;
    }

    long completionTokens() {
        return completionTokens;
    }

    /** Ends the span and records the metric; a second close does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            telemetry.finished(this, telemetry.elapsedSince(started));
        } finally {
            span.close();
        }
    }

    /** {@code "sha256:" + hex} of the SQL's UTF-8 bytes: the audit log's {@code sql_hash}. */
    public static String sqlHash(String sql) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    static String cut(String sql) {
        return sql.length() <= MAX_SQL_CHARS ? sql : sql.substring(0, MAX_SQL_CHARS) + "…";
    }
}
