package io.pgmcp.audit;

import java.util.List;

/**
 * The {@code pg_mcp_audit} table the {@link DatabaseSink} inserts events into, as that sink needs it:
 * sessions of their own, each connected anew with the table created when missing. The database side
 * is built by the composition root. Connecting, logging in and every round trip are capped at
 * {@value #TIMEOUT_SECONDS} s.
 */
public interface AuditTable {
    /** The cap on connecting, logging in and each round trip, in seconds. */
    int TIMEOUT_SECONDS = 5;

    /**
     * Connects (autocommit) and creates the table and its {@code event_id} index when missing.
     *
     * @throws AuditTableException when the database cannot be reached, refuses the login, or the table
     *                             cannot be created
     */
    Session open() throws AuditTableException;

    /** One connection to the table. Not thread-safe; the sink serialises its calls. */
    interface Session extends AutoCloseable {
        /** Inserts one event (its JSON line). */
        void insert(String line) throws AuditTableException;

        /** Inserts {@code lines} in order in one transaction. */
        void insertAll(List<String> lines) throws AuditTableException;

        /** Closes the connection; never throws. */
        @Override
        void close();
    }
}
