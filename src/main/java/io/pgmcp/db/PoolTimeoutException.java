package io.pgmcp.db;

import java.time.Duration;

/**
 * No connection became available before the borrower's deadline: every connection the pool may open
 * was lent out. The database may be perfectly healthy, only busy. The message carries the pool state;
 * SQLSTATE 08001, never retried.
 */
public final class PoolTimeoutException extends DatabaseException {
    private static final long serialVersionUID = 1L;

    private final transient PoolStats stats;
    private final Duration waited;

    PoolTimeoutException(String pool, Duration waited, PoolStats stats) {
        this(waited, stats, "pool '" + pool + "': no connection within " + waited.toMillis() + " ms (" + stats + ")");
    }

    private PoolTimeoutException(Duration waited, PoolStats stats, String message) {
        super(message, SqlFailure.connection(message), null);
        this.stats = stats;
        this.waited = waited;
    }

    /** The pool's state when the wait ended. */
    public PoolStats stats() {
        return stats;
    }

    /** How long the borrower may wait in total (the pool's acquire timeout). */
    public Duration waited() {
        return waited;
    }
}
