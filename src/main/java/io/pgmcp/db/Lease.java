package io.pgmcp.db;

import java.sql.Connection;
import java.util.Optional;

/**
 * A connection borrowed from a {@link ConnectionPool}. Close it to give the connection back; call
 * {@link #evict()} first when the connection may be broken or holds session state that could not
 * be reset, and the pool closes it instead. Not thread-safe: one borrower uses a lease.
 */
public final class Lease implements AutoCloseable {
    private final ConnectionPool pool;
    private final PooledConnection pooled;
    private boolean broken;
    private boolean closed;

    Lease(ConnectionPool pool, PooledConnection pooled) {
        this.pool = pool;
        this.pooled = pooled;
    }

    public Connection connection() {
        if (closed) {
            throw new IllegalStateException("lease already returned to pool '" + pool.settings().name() + "'");
        }
        return pooled.connection();
    }

    /** The session settings the connection started with, when its factory promised any. */
    Optional<SessionDefaults> sessionDefaults() {
        return pooled.sessionDefaults();
    }

    /** Marks the connection for closing instead of reuse. */
    public void evict() {
        broken = true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.release(pooled, broken);
        }
    }

    /**
     * Gives the connection back now with {@code cleanup} still to run on it: the pool runs it on a thread of its
     * own and lends the connection again only once it answered true, closing it otherwise (or when the lease was
     * evicted: then the cleanup does not run). The borrower must not touch the connection after this; closing
     * the lease afterwards does nothing.
     */
    void closeAfter(Cleanup cleanup) {
        if (closed) {
            throw new IllegalStateException("lease already returned to pool '" + pool.settings().name() + "'");
        }
        closed = true;
        pool.releaseAfter(pooled, broken, cleanup);
    }

    /** What must happen to a returned connection before it is lent again. */
    @FunctionalInterface
    interface Cleanup {
        /** @return true when the connection may be lent again; false (or a throw) closes it */
        boolean run();
    }
}
