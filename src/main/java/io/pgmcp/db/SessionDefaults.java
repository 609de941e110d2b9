package io.pgmcp.db;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The session settings every connection of a factory starts with, fixed at login (in the startup
 * packet, so that {@code RESET ALL} returns to them): a call whose statement timeout and search path
 * equal these needs no {@code SET LOCAL} of its own.
 *
 * @param statementTimeout {@code statement_timeout}; {@code lock_timeout} is a little shorter
 *                         ({@link #lockTimeoutMillis}), {@code idle_in_transaction_session_timeout}
 *                         {@value #IDLE_MARGIN_MILLIS} ms longer
 * @param searchPath       the {@code search_path} (schema names, unquoted), or empty when the connections do
 *                         not fix it and every call sets its own
 */
public record SessionDefaults(Duration statementTimeout, Optional<List<String>> searchPath) {
    /** How much longer than the statement timeout a call's transaction may sit idle. */
    public static final long IDLE_MARGIN_MILLIS = 5_000;

    public SessionDefaults {
        if (statementTimeout == null || statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("statementTimeout must be positive, got " + statementTimeout);
        }
        searchPath = Objects.requireNonNull(searchPath, "searchPath").map(List::copyOf);
    }

    /** A timeout as PostgreSQL gets it: whole milliseconds, at least 1 (0 would mean none). */
    static long millis(Duration timeout) {
        return Math.max(1, timeout.toMillis());
    }

    /**
     * The {@code lock_timeout} that goes with a statement timeout: 90 % of it. With both equal the statement
     * timer, started first, always fires first, and a statement that waited for a lock all along would be
     * reported as slow (57014) instead of as blocked (55P03).
     */
    static long lockTimeoutMillis(Duration statementTimeout) {
        return Math.max(1, millis(statementTimeout) * 9 / 10);
    }

    boolean fixesTimeout(Duration timeout) {
        return millis(statementTimeout) == millis(timeout);
    }

    boolean fixesSearchPath(List<String> path) {
        return searchPath.isPresent() && searchPath.get().equals(path);
    }
}
