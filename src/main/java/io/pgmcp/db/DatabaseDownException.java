package io.pgmcp.db;

import java.util.Locale;

/**
 * The database is known to be unreachable, so the call was not attempted (or its failure took the
 * database down). SQLSTATE 08001, so it classifies as a connection failure; never retried — the
 * recovery probe finds out when the database is back. Carries the {@link Availability.Down} state for
 * messages: since when, the last error, when the next probe runs.
 */
public final class DatabaseDownException extends DatabaseException {
    private static final long serialVersionUID = 1L;

    private final String database;
    private final transient Availability.Down down;

    DatabaseDownException(String database, Availability.Down down, Throwable cause) {
        this(database, down,
                String.format(Locale.ROOT, "database '%s' is unavailable since %s (%.1f s): %s; next probe in %.1f s",
                        database, down.since(), down.downFor().toMillis() / 1000.0, down.lastError().message(),
                        down.nextProbeIn().toMillis() / 1000.0),
                cause);
    }

    private DatabaseDownException(String database, Availability.Down down, String message, Throwable cause) {
        super(message, SqlFailure.connection(message), cause);
        this.database = database;
        this.down = down;
    }

    public String database() {
        return database;
    }

    /** The state when the call failed. */
    public Availability.Down down() {
        return down;
    }
}
