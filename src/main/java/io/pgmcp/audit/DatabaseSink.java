package io.pgmcp.audit;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.resilience.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

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
 * takes longer, once). Thread-safe: one lock serialises writes.
 */
public final class DatabaseSink implements AuditSink {
    /** How often a write may try to reach the database again while events are spooled. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(10);

    private static final System.Logger logger = System.getLogger(DatabaseSink.class.getName());
    private static final int REPLAY_BATCH = 500;

    private final ConnectionTarget target;
    private final AuditTable table;
    private final Spool spool;
    private final Ticker ticker;
    private final long retryNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection; // null while events go to the spool
    private PreparedStatement insert;
    private long nextAttempt;
    private boolean closed;

    private DatabaseSink(ConnectionTarget target, Path spoolPath, boolean fsync, Duration retryInterval, Ticker ticker) {
        this.target = Objects.requireNonNull(target, "target");
        this.table = new AuditTable(target);
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
     * @param spoolPath where events wait while the database is unreachable
     * @throws AuditException if the database refuses the login, does not exist, or the table cannot
     *     be created, or the spool cannot be created or read
     */
    public static DatabaseSink open(ConnectionTarget target, Path spoolPath, boolean fsync, Duration retryInterval,
            Ticker ticker) throws AuditException {
        DatabaseSink sink = new DatabaseSink(target, spoolPath, fsync, retryInterval, ticker);
        sink.lock.lock();
        try {
            try {
                sink.spool.isEmpty(); // creates the spool now: an unwritable location fails at start-up
            } catch (IOException e) {
                sink.close();
                throw new AuditException("Cannot create the audit spool " + sink.spool.path() + ": " + e, e);
            }
            Exception failure = sink.reconnect();
            if (failure instanceof SQLException e && !isConnectionClass(e) || failure instanceof IOException) {
                sink.close();
                throw new AuditException("Cannot use the audit database " + target.displayTarget() + ": " + describe(failure)
                        + " (spool " + sink.spool.path() + ")", failure);
            }
            if (failure != null) {
                logger.log(System.Logger.Level.WARNING, "The audit database " + target.displayTarget()
                        + " is unreachable (" + describe(failure) + "); events are spooled to " + sink.spool.path()
                        + " until it is back");
            }
        } finally {
            sink.lock.unlock();
        }
        return sink;
    }

    /** The spool file. */
    public Path spoolPath() {
        return spool.path();
    }

    /** Whether events currently go straight to the table (false while they are spooled). */
    public boolean isConnected() {
        lock.lock();
        try {
            return connection != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(AuditEvent event) throws AuditException {
        String line = event.toJsonLine();
        lock.lock();
        try {
            if (closed) {
                throw new AuditException("The audit database sink for " + target.displayTarget() + " is closed");
            }
            if (connection != null) {
                try {
                    insert.setString(1, line);
                    insert.executeUpdate();
                    return;
                } catch (SQLException e) {
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
        } finally {
            lock.unlock();
        }
    }

    /** Tries the database now, whatever the retry interval, when events are spooled. */
    @Override
    public void flush() throws AuditException {
        lock.lock();
        try {
            if (connection == null && !closed) {
                Exception failure = reconnect();
                if (failure != null) {
                    throw new AuditException("The audit database " + target.displayTarget() + " is unusable ("
                            + describe(failure) + "); the events stay in " + spool.path()
                            + " and are inserted once it is back", failure);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            disconnect();
            spool.close();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Connects, creates the table, inserts and empties the spool; on success writing goes to the
     * table again. Returns the failure, or null. Called with the lock held.
     */
    private Exception reconnect() {
        nextAttempt = ticker.read() + retryNanos;
        Connection fresh = null;
        try {
            fresh = table.connect();
            String insertSql = table.prepare(fresh);
            Connection replayTo = fresh;
            int replayed = spool.isEmpty() ? 0
                    : spool.replay(REPLAY_BATCH, lines -> AuditTable.insertAll(replayTo, insertSql, lines));
            spool.clear();
            insert = fresh.prepareStatement(insertSql);
            connection = fresh;
            if (replayed > 0) {
                logger.log(System.Logger.Level.INFO, "The audit database " + target.displayTarget()
                        + " is back: " + replayed + " spooled events inserted in order");
            }
            return null;
        } catch (SQLException | IOException e) {
            closeQuietly(fresh);
            return e;
        }
    }

    private void disconnect() {
        insert = null;
        Connection open = connection;
        connection = null;
        closeQuietly(open);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // a connection being dropped because it failed may fail to close too; it holds nothing
            }
        }
    }

    /** Connection-class: SQLSTATE class 08, 57P01-57P03, or an I/O failure underneath. */
    static boolean isConnectionClass(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Exception e) {
        return e instanceof SQLException sql && sql.getSQLState() != null
                ? "SQLSTATE " + sql.getSQLState() + ": " + sql.getMessage()
                : e.toString();
    }
}
