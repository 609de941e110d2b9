package io.pgmcp.db;

import io.pgmcp.resilience.Ticker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A physical connection with the bookkeeping the pool needs: when it retires and when it was last used, and the
 * session settings it started with.
 */
final class PooledConnection {
    private final Connection connection;
    private final long retireAt;
    private final Ticker ticker;
    private final Optional<SessionDefaults> sessionDefaults;
    private volatile long lastUsed;

    PooledConnection(Connection connection, long retireAt, Ticker ticker, Optional<SessionDefaults> sessionDefaults) {
        this.connection = connection;
        this.retireAt = retireAt;
        this.ticker = ticker;
        this.sessionDefaults = sessionDefaults;
        this.lastUsed = ticker.read();
    }

    Connection connection() {
        return connection;
    }

    /** The session settings the connection was opened with, as its factory promised them. */
    Optional<SessionDefaults> sessionDefaults() {
        return sessionDefaults;
    }

    long lastUsed() {
        return lastUsed;
    }

    boolean expired(long now) {
        return now - retireAt >= 0;
    }

    void lent() {
        lastUsed = ticker.read();
    }

    void returned() {
        lastUsed = ticker.read();
    }

    void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            // already broken; nothing more to release
        }
    }
}
