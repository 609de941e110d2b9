package io.pgmcp.audit;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.resilience.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Audit events as rows of {@code pg_mcp_audit} ({@code audit.storage: database}) in a database of
 * the operator's choosing, over one dedicated connection ({@code ApplicationName=pg-mcp-audit}),
 * never a pooled query connection.
 *
 * <p>While that database is unreachable, or rejects the insert, events are appended to a local
 * {@link Spool} file (with the durability of {@link FileSink}) and every later event goes there too,
 * so order is kept. A reconnect is tried on a write at most once per {@code retryInterval} (measured
 * on the injected {@link Ticker}); when it succeeds, the spool is inserted in order, then emptied,
 * and writing goes straight to the table again. A spool left by an earlier process is replayed on the
 * first successful connection.
 *
 * <p>Exactly once: each event carries a unique {@code event_id}, which a unique index on
 * {@code (event->>'event_id')} enforces with {@code ON CONFLICT DO NOTHING}, so an insert whose
 * acknowledgement was lost, or a replay cut short by a crash before the spool was emptied, never
 * stores an event twice. (When the table exists without that index and this role may not create it,
 * or the role may not read the {@code event} column, which {@code ON CONFLICT} needs, this falls back
 * to at-least-once, with a warning.)
 *
 * <p>The table is created only when missing, so a role with just INSERT on an existing table and
 * USAGE on its sequence is enough (add SELECT on {@code event} for exactly once). Callers should
 * write with the thread's interrupt flag clear ({@link AuditLog} does): an interrupted virtual
 * thread's socket I/O closes the connection.
 *
 * <p>Timeouts: connecting, logging in and every round trip are capped at
 * {@value AuditTable#TIMEOUT_SECONDS} s, so a dead database delays a call by at most that (a reconnect attempt that replays a long spool
 * takes longer, once). Thread-safe: one lock serialises writes. The table itself (connections, SQL) is
 * the {@link AuditTable} the composition root gives.
 */
public final class DatabaseSink extends SerialSink {
    /** How often a write may try to reach the database again while events are spooled. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(10);

    private static final System.Logger logger = System.getLogger(DatabaseSink.class.getName());
    private static final int REPLAY_BATCH = 500;

    private final ConnectionTarget target;
    private final AuditTable table;
    private final Spool spool;
    private final Ticker ticker;
    private final long retryNanos;
    private AuditTable.Session session; // null while events go to the spool
    private long nextAttempt;

    private DatabaseSink(ConnectionTarget target, AuditTable table, Path spoolPath, boolean fsync,
            Duration retryInterval,
            Ticker ticker) {
        this.target = Objects.requireNonNull(target, "target");
        this.table = Objects.requireNonNull(table, "table");
        this.spool = new Spool(spoolPath, fsync);
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (retryInterval.isNegative()) {
            throw new IllegalArgumentException("retryInterval " + retryInterval + " is negative");
        }
        this.retryNanos = retryInterval.toNanos();
    }

    /**
     * Connects, creates the table if missing and replays any spool left from before. An unreachable
     * database is not an error here (events are spooled until it is back); anything else is.
     *
     * @param target    the audit database, for messages
     * @param table     the table in it
     * @param spoolPath where events wait while the database is unreachable
     * @throws AuditException if the database refuses the login, does not exist, or the table cannot
     *     be created, or the spool cannot be created or read
     */
    public static DatabaseSink open(ConnectionTarget target, AuditTable table, Path spoolPath, boolean fsync,
            Duration retryInterval, Ticker ticker) throws AuditException {
        DatabaseSink sink = new DatabaseSink(target, table, spoolPath, fsync, retryInterval, ticker);
        sink.locked(() -> {
            try {
                sink.spool.isEmpty(); // creates the spool now: an unwritable location fails at start-up
            } catch (IOException e) {
                sink.close();
                throw new AuditException("Cannot create the audit spool " + sink.spool.path() + ": " + e, e);
            }
            Exception failure = sink.reconnect();
            if (failure instanceof AuditTableException e && !e.unreachable() || failure instanceof IOException) {
                sink.close();
                throw new AuditException(
                        "Cannot use the audit database " + target.displayTarget() + ": " + describe(failure)
                                + " (spool " + sink.spool.path() + ")",
                        failure);
            }
            if (failure != null) {
                logger.log(System.Logger.Level.WARNING, "The audit database " + target.displayTarget()
                        + " is unreachable (" + describe(failure) + "); events are spooled to " + sink.spool.path()
                        + " until it is back");
            }
            return null;
        });
        return sink;
    }

    /** The spool file. */
    public Path spoolPath() {
        return spool.path();
    }

    /** Whether events currently go straight to the table (false while they are spooled). */
    public boolean isConnected() {
        try {
            return locked(() -> session != null);
        } catch (AuditException e) {
            throw new IllegalStateException("unreachable: the check throws nothing", e);
        }
    }

    @Override
    String closedMessage() {
        return "The audit database sink for " + target.displayTarget() + " is closed";
    }

    @Override
    void writeLocked(String line) throws AuditException {
        if (session != null) {
            try {
                session.insert(line);
                return;
            } catch (AuditTableException e) {
                disconnect();
                nextAttempt = ticker.read() + retryNanos;
                logger.log(System.Logger.Level.WARNING, "Audit insert into " + target.displayTarget() + " failed ("
                        + describe(e) + "); spooling events to " + spool.path() + " until it works again");
            }
        }
        try {
            spool.append(line);
        } catch (IOException e) {
            throw new AuditException("Cannot record the audit event: the database " + target.displayTarget()
                    + " is unreachable and the spool " + spool.path() + " cannot be written: " + e, e);
        }
        if (ticker.read() - nextAttempt >= 0) {
            Exception failure = reconnect();
            if (failure != null) {
                logger.log(System.Logger.Level.WARNING, "The audit database " + target.displayTarget()
                        + " is still unusable (" + describe(failure) + "); events stay in " + spool.path());
            }
        }
    }

    /** Tries the database now, whatever the retry interval, when events are spooled. */
    @Override
    void flushLocked(boolean closed) throws AuditException {
        if (session == null && !closed) {
            Exception failure = reconnect();
            if (failure != null) {
                throw new AuditException("The audit database " + target.displayTarget() + " is unusable ("
                        + describe(failure) + "); the events stay in " + spool.path()
                        + " and are inserted once it is back", failure);
            }
        }
    }

    @Override
    void closeLocked() {
        disconnect();
        spool.close();
    }

    /**
     * Connects, creates the table, inserts and empties the spool; on success writing goes to the
     * table again. Returns the failure, or null. Called with the lock held.
     */
    private Exception reconnect() {
        nextAttempt = ticker.read() + retryNanos;
        AuditTable.Session fresh = null;
        try {
            fresh = table.open();
            AuditTable.Session replayTo = fresh;
            int replayed = spool.isEmpty() ? 0 : spool.replay(REPLAY_BATCH, replayTo::insertAll);
            spool.clear();
            session = fresh;
            if (replayed > 0) {
                logger.log(System.Logger.Level.INFO, "The audit database " + target.displayTarget()
                        + " is back: " + replayed + " spooled events inserted in order");
            }
            return null;
        } catch (AuditTableException | IOException e) {
            if (fresh != null) {
                fresh.close();
            }
            return e;
        }
    }

    private void disconnect() {
        AuditTable.Session open = session;
        session = null;
        if (open != null) {
            open.close();
        }
    }

    private static String describe(Exception e) {
        return e instanceof AuditTableException ? e.getMessage() : e.toString();
    }
}
