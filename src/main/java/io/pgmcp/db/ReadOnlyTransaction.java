package io.pgmcp.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The read-only execution discipline around any work on a borrowed connection: {@code BEGIN}, then
 * {@code SET TRANSACTION READ ONLY} and {@code SET LOCAL} statement, lock and idle timeouts and a
 * pinned {@code search_path}, and a first snapshot so the work cannot switch to read-write; the work; then always {@code ROLLBACK} and {@code DISCARD ALL}, so no
 * session state (GUCs, advisory locks, prepared statements, LISTEN, temp tables) outlives the call.
 * If the reset fails the lease is evicted and the connection is closed instead of reused.
 *
 * <p>Every wait for the server inside the transaction is bounded by a network timeout a little longer
 * than the statement timeout: the server ends a slow statement, this ends a wait on a link that
 * stopped carrying bytes (pgjdbc then closes the connection and throws SQLSTATE 08006).
 */
final class ReadOnlyTransaction {
    private static final System.Logger logger = System.getLogger(ReadOnlyTransaction.class.getName());

    /** Work done inside the transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException, DatabaseException;
    }

    private ReadOnlyTransaction() {}

    /**
     * @param networkTimeout the longest wait for any answer of the server, for the whole transaction
     */
    static <T> T run(Lease lease, Duration statementTimeout, Duration networkTimeout, List<String> searchPath,
            Work<T> work)
            throws SQLException, DatabaseException {
        Connection connection = lease.connection();
        int idleTimeout = -1;
        try {
            idleTimeout = connection.getNetworkTimeout();
            connection.setNetworkTimeout(Runnable::run,
                    (int) Math.max(1, Math.min(Integer.MAX_VALUE, networkTimeout.toMillis())));
            connection.setAutoCommit(false);
            try (Statement setup = connection.createStatement()) {
                setup.execute(setupSql(statementTimeout, searchPath));
            }
            return work.run(connection);
        } catch (SQLException | DatabaseException | RuntimeException e) {
            if (SqlFailure.isConnectionClass(e)) {
                lease.evict();
            }
            throw e;
        } finally {
            reset(lease, connection, idleTimeout);
        }
    }

    static String setupSql(Duration statementTimeout, List<String> searchPath) {
        long millis = Math.max(1, statementTimeout.toMillis());
        StringBuilder sql = new StringBuilder(200)
                .append("SET TRANSACTION READ ONLY; ")
                .append("SET LOCAL statement_timeout = ").append(millis).append("; ")
                .append("SET LOCAL lock_timeout = ").append(millis).append("; ")
                .append("SET LOCAL idle_in_transaction_session_timeout = ").append(millis + 5_000).append("; ")
                .append("SET LOCAL search_path = ");
        if (searchPath.isEmpty()) {
            sql.append("''");
        } else {
            for (int i = 0; i < searchPath.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(quoteIdentifier(searchPath.get(i)));
            }
        }
        // SETs take no snapshot, so until a query runs SET TRANSACTION READ WRITE would still make the
        // transaction writable; after the first snapshot PostgreSQL refuses it (25001)
        sql.append("; SELECT 1");
        return sql.toString();
    }

    /** Quotes an identifier the way PostgreSQL's {@code quote_ident} does (always quoting). */
    static String quoteIdentifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static void reset(Lease lease, Connection connection, int idleTimeout) {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
                connection.setAutoCommit(true);
                try (Statement discard = connection.createStatement()) {
                    discard.execute("DISCARD ALL");
                }
                if (idleTimeout >= 0) {
                    connection.setNetworkTimeout(Runnable::run, idleTimeout);
                }
                return;
            }
        } catch (SQLException | RuntimeException e) {
            logger.log(System.Logger.Level.DEBUG, "session reset failed; closing the connection: {0}", e.getMessage());
        }
        lease.evict();
    }
}
