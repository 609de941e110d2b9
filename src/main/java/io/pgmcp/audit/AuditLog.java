package io.pgmcp.audit;

import io.pgmcp.config.AuditConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.resilience.Ticker;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The audit log as the tools see it: {@link #record} applies {@code redact_sql} and hands the event
 * to the configured {@link AuditSink}. Built once by the composition root with {@link #open}, or
 * {@link #disabled()} when {@code audit.enabled} is false.
 *
 * <p>Call {@link #record} exactly once per tool call, after the outcome is known and <em>before</em>
 * the response is sent: when it returns, the event survives the process being killed. When it
 * throws, the event is not recorded; answer the call with an error instead of the result, so nothing
 * is returned that the audit log does not show. Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
    private static final AuditLog DISABLED = new AuditLog();

    private final AuditSink sink; // null when disabled
    private final Optional<SqlRedactor> redactor;
    private final AtomicLong writeFailures = new AtomicLong();

    /**
     * @param sink     where events go; this log closes it
     * @param redactor applied to every event's SQL when present ({@code audit.redact_sql})
     */
    public AuditLog(AuditSink sink, Optional<SqlRedactor> redactor) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    private AuditLog() {
        this.sink = null;
        this.redactor = Optional.empty();
    }

    /** A log that records nothing ({@code audit.enabled: false}). */
    public static AuditLog disabled() {
        return DISABLED;
    }

    /**
     * Builds the log {@code config} describes, opening its file or connecting to its database now so
     * that a bad path or login fails at start-up.
     *
     * @param redactor used when {@code config.redactSql()}; the composition root passes
     *                 {@code new io.pgmcp.sql.LiteralRedactor()}
     * @param tables   the audit table in a database, for {@code storage: database} (the composition root
     *                 passes {@code io.pgmcp.db.AuditTableWriter::new})
     * @param stdout   the process's standard output, for {@code storage: stdout} (HTTP transport only,
     *                 enforced by the config)
     * @param stderr   the process's standard error, for {@code storage: stderr}
     * @param ticker   times the database sink's reconnect attempts
     * @throws AuditException if the file cannot be opened or the audit database refuses us
     */
    public static AuditLog open(AuditConfig config, SqlRedactor redactor, Function<ConnectionTarget, AuditTable> tables,
            OutputStream stdout, OutputStream stderr, Ticker ticker) throws AuditException {
        Objects.requireNonNull(redactor, "redactor");
        if (!config.enabled()) {
            return disabled();
        }
        AuditSink sink = switch (config.storage()) {
            case FILE -> FileSink.open(config.filePath(),
                    RotationPolicy.ofMegabytes(config.maxSizeMb(), config.maxFiles(), config.compress()),
                    config.fsync());
            case STDOUT -> new StreamSink(stdout, "stdout");
            case STDERR -> new StreamSink(stderr, "stderr");
            case DATABASE -> {
                ConnectionTarget target = config.database().orElseThrow();
                yield DatabaseSink.open(target, tables.apply(target), spoolPath(config), config.fsync(),
                        DatabaseSink.DEFAULT_RETRY_INTERVAL, ticker);
            }
        };
        return new AuditLog(sink, config.redactSql() ? Optional.of(redactor) : Optional.empty());
    }

    /** The database sink's spool: {@code audit-spool.jsonl} beside {@code audit.file_path}. */
    public static Path spoolPath(AuditConfig config) {
        return config.filePath().toAbsolutePath().resolveSibling("audit-spool.jsonl");
    }

    /** False for {@link #disabled()}. */
    public boolean isEnabled() {
        return sink != null;
    }

    /**
     * Records one event (SQL redacted when configured); returns once it is durable as the sink
     * promises (see {@link AuditSink#write}). A disabled log returns at once.
     *
     * @throws AuditException if the event could not be recorded
     */
    public void record(AuditEvent event) throws AuditException {
        Objects.requireNonNull(event, "event");
        if (sink == null) {
            return;
        }
        try {
            write(redactor.isPresent() ? event.withSqlRedacted(redactor.get()) : event);
        } catch (AuditException | RuntimeException e) {
            writeFailures.incrementAndGet();
            throw e;
        }
    }

    private void write(AuditEvent event) throws AuditException {
        // A cancelled call's thread arrives interrupted, and it must still be audited: an interrupted
        // virtual thread's socket I/O closes the socket (the audit database connection). Write with
        // the flag clear, then restore it for the caller.
        boolean interrupted = Thread.interrupted();
        try {
            sink.write(event);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * How many events {@link #record} could not record (it threw) since this log was opened, for
     * metrics and alerts. 0 for a disabled log.
     */
    public long writeFailures() {
        return writeFailures.get();
    }

    /** Pushes recorded events as far as the sink can (see {@link AuditSink#flush}); for shutdown. */
    public void flush() throws AuditException {
        if (sink != null) {
            sink.flush();
        }
    }

    @Override
    public void close() {
        if (sink != null) {
            sink.close();
        }
    }
}
