package io.pgmcp.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Field;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Query;
import org.postgresql.core.QueryExecutor;
import org.postgresql.core.ResultCursor;
import org.postgresql.core.ResultHandlerBase;
import org.postgresql.core.SqlCommand;
import org.postgresql.core.SqlCommandType;
import org.postgresql.core.TransactionState;
import org.postgresql.core.Tuple;

/**
 * The read-only execution discipline around any work on a borrowed connection, in as few round trips as it
 * can: a read-only transaction with the call's statement, lock and idle timeouts and its pinned
 * {@code search_path}; the work; then always one round trip that rolls the transaction back and, where a
 * rollback is not enough, resets the session, so no session state outlives the call. If the reset fails, or finds state it cannot remove, the
 * lease is evicted and the connection closed instead of reused. When the work succeeded, that round trip
 * is not the caller's to wait for: the lease is given back with the reset still to run
 * ({@link Lease#closeAfter}), the pool runs it after the request's answer (or on a thread of its own), and lends
 * the connection again only after the reset succeeded; a failed call resets before it throws.
 *
 * <p>The transaction: pgjdbc (autocommit off, {@code readOnly}) sends {@code BEGIN READ ONLY} in the same
 * round trip as the work's first statement, and the server's {@code default_transaction_read_only=on} would
 * make even a plain {@code BEGIN} read-only. The timeouts and search path a database's query calls use are
 * the connection's session defaults ({@link SessionDefaults}, fixed at login), so such a call sends no
 * {@code SET} at all; a call with other settings gets {@code SET LOCAL}s, where its {@link Start} says.
 *
 * <p>The end: while the call's transaction is open, its {@code ROLLBACK} undoes all the call did but session
 * advisory locks, which are released, and SQL {@code PREPARE}d statements, which are counted ({@link #ROLLBACK});
 * when the work ended the transaction itself, the session is reset as by {@code DISCARD ALL} without
 * {@code DEALLOCATE ALL} and {@code DISCARD PLANS} ({@link #RESET}). Either way the driver's server-side
 * prepared statements live on; a prepared statement made with SQL {@code PREPARE} is the one state neither
 * removes, and a connection that has one is closed.
 *
 * <p>Every wait for the server inside the transaction is bounded by a network timeout a little longer than
 * the statement timeout: the server ends a slow statement, this ends a wait on a link that stopped carrying
 * bytes (pgjdbc then closes the connection and throws SQLSTATE 08006).
 */
final class ReadOnlyTransaction {
    private static final System.Logger logger = System.getLogger(ReadOnlyTransaction.class.getName());

    /** What both ends below finish with: what a rollback keeps, released and counted. */
    private static final String UNLOCK_AND_COUNT = "SELECT pg_catalog.pg_advisory_unlock_all(), "
            + "(SELECT pg_catalog.count(*) FROM pg_catalog.pg_prepared_statement() p WHERE p.from_sql)";

    /**
     * Ends a call's transaction that is still open (or failed), and undoes what its end does not. The
     * {@code ROLLBACK} undoes everything the call did inside the transaction, also what outlives a commit:
     * settings made with {@code SET} or {@code set_config} (session-level ones too), the role and session user,
     * {@code LISTEN}, cursors (held ones too), temporary objects and sequences. It does not release session
     * advisory locks, nor drop statements made with SQL {@code PREPARE}: the first are released, the second
     * counted (a connection holding one is closed). Pinned, statement by statement, by
     * {@code RollbackScopeTest}.
     */
    static final String ROLLBACK = "ROLLBACK; " + UNLOCK_AND_COUNT;

    /**
     * Resets a session whose transaction is over before the reset (the work ended it, or nothing was sent), so
     * that what ran may have been committed: held cursors, the session user and role, every setting (back to the
     * login values), LISTEN, session advisory locks, temporary objects and sequence state; then counts the
     * prepared statements made with SQL {@code PREPARE} (those the driver made over the protocol stay). It runs
     * in one implicit transaction, so that a failure of any piece undoes them all and fails the reset.
     */
    static final String RESET = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *; "
            + "DISCARD TEMP; DISCARD SEQUENCES; " + UNLOCK_AND_COUNT;

    /** Where the transaction starts and where a call's {@code SET LOCAL}s go, when it needs any. */
    enum Start {
        /**
         * pgjdbc's {@code BEGIN READ ONLY} travels with the work's one statement, and the work puts the
         * {@code SET LOCAL}s (the {@code prefix}) in front of that statement, in the same round trip. For a
         * work of one statement whose result may come with others before it.
         */
        WITH_STATEMENT,
        /**
         * As {@link #WITH_STATEMENT}, but {@code SET LOCAL}s, when the call needs any, run in a round trip of
         * their own first: for a statement that must be sent alone (its rows are fetched in batches).
         */
        SETUP_APART,
        /**
         * {@code BEGIN}, the {@code SET LOCAL}s and a first snapshot in a round trip of their own before the
         * work: for work of several statements. A transaction without a snapshot can still be switched to
         * read-write ({@code SET TRANSACTION READ WRITE}); after its first snapshot PostgreSQL refuses that
         * (25001). (A work of one statement cannot use the switch: the statement that switches is the only
         * one that runs.)
         */
        SNAPSHOT_FIRST;

        /** The work runs one statement after the setup: its end may be {@link #ROLLBACK} alone. */
        boolean oneStatement() {
            return this != SNAPSHOT_FIRST;
        }
    }

    /** Work done inside the transaction. */
    @FunctionalInterface
    interface Work<T> {
        /**
         * @param prefix with {@link Start#WITH_STATEMENT}, the {@code SET LOCAL}s to send in front of the work's
         *               statement, each ended by {@code ;} (empty when the call needs none); otherwise empty
         */
        T run(Connection connection, String prefix) throws SQLException, DatabaseException;
    }

    private ReadOnlyTransaction() {}

    /**
     * @param networkTimeout the longest wait for any answer of the server, for the whole transaction
     * @param role           the role the work runs as, if not the login role: {@code SET LOCAL ROLE} in the
     *                       setup, which then always runs in a round trip of its own (a {@link Start#WITH_STATEMENT}
     *                       work gets it apart), so that its failure is told from the work's: a
     *                       {@link RoleUnavailableException}, and the work never runs
     */
    static <T> T run(Lease lease, Duration statementTimeout, Duration networkTimeout, List<String> searchPath,
            Optional<String> role, Start start, Work<T> work) throws SQLException, DatabaseException {
        Connection connection = lease.connection();
        int idleTimeout = -1;
        boolean handedOver = false;
        try {
            idleTimeout = connection.getNetworkTimeout();
            connection.setNetworkTimeout(Runnable::run,
                    (int) Math.max(1, Math.min(Integer.MAX_VALUE, networkTimeout.toMillis())));
            connection.setAutoCommit(false);
            String setup = setupSql(statementTimeout, searchPath, role, lease.sessionDefaults());
            String prefix = "";
            switch (role.isPresent() && start == Start.WITH_STATEMENT ? Start.SETUP_APART : start) {
                case WITH_STATEMENT -> prefix = setup;
                case SETUP_APART -> {
                    if (!setup.isEmpty()) {
                        setUp(connection, setup, role);
                    }
                }
                case SNAPSHOT_FIRST -> setUp(connection, setup + "SELECT 1", role);
            }
            T result = work.run(connection, prefix);
            if (!connection.isClosed()) {
                // the caller has its answer; the pool ends the transaction and lends the connection only after
                int restore = idleTimeout;
                lease.closeAfter(() -> endAndRestore(connection, restore, start.oneStatement()));
                handedOver = true;
            }
            return result;
        } catch (SQLException | DatabaseException | RuntimeException e) {
            if (SqlFailure.isConnectionClass(e)) {
                lease.evict();
            }
            throw e;
        } finally {
            if (!handedOver) {
                reset(lease, connection, idleTimeout, start.oneStatement());
            }
        }
    }

    /**
     * The statements that give a transaction what the connection's session defaults do not: read-only
     * (again), and the timeouts and search path where they differ. Empty when nothing differs; otherwise each
     * statement ends with {@code ;} and nothing follows it: pgjdbc sends each piece as it is, and PostgreSQL
     * counts an error's position from the start of the piece, which must be the work's statement itself.
     */
    static String setupSql(Duration statementTimeout, List<String> searchPath, Optional<SessionDefaults> defaults) {
        return setupSql(statementTimeout, searchPath, Optional.empty(), defaults);
    }

    /** As above, with {@code SET LOCAL ROLE} last when the work runs as {@code role}. */
    static String setupSql(Duration statementTimeout, List<String> searchPath, Optional<String> role,
            Optional<SessionDefaults> defaults) {
        boolean timeoutFixed = defaults.isPresent() && defaults.get().fixesTimeout(statementTimeout);
        boolean searchPathFixed = defaults.isPresent() && defaults.get().fixesSearchPath(searchPath);
        if (timeoutFixed && searchPathFixed && role.isEmpty()) {
            return "";
        }
        StringBuilder sql = new StringBuilder(200).append("SET TRANSACTION READ ONLY;");
        if (!timeoutFixed) {
            long millis = SessionDefaults.millis(statementTimeout);
            sql.append("SET LOCAL statement_timeout = ").append(millis).append(";")
                    .append("SET LOCAL lock_timeout = ").append(SessionDefaults.lockTimeoutMillis(statementTimeout))
                    .append(";")
                    .append("SET LOCAL idle_in_transaction_session_timeout = ")
                    .append(millis + SessionDefaults.IDLE_MARGIN_MILLIS).append(";");
        }
        if (!searchPathFixed) {
            sql.append("SET LOCAL search_path = ");
            if (searchPath.isEmpty()) {
                sql.append("''");
            } else {
                for (int i = 0; i < searchPath.size(); i++) {
                    sql.append(i == 0 ? "" : ", ").append(quoteIdentifier(searchPath.get(i)));
                }
            }
            sql.append(";");
        }
        if (role.isPresent()) {
            sql.append("SET LOCAL ROLE ").append(quoteIdentifier(role.get())).append(";");
        }
        return sql.toString();
    }

    /** Quotes an identifier the way PostgreSQL's {@code quote_ident} does (always quoting). */
    static String quoteIdentifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * Runs the setup; with a role, any failure but a broken connection is the role's (the rest of a setup
     * cannot fail): the role does not exist, or the login role may not assume it.
     */
    private static void setUp(Connection connection, String setup, Optional<String> role)
            throws SQLException, RoleUnavailableException {
        try {
            execute(connection, setup);
        } catch (SQLException e) {
            if (role.isEmpty() || SqlFailure.isConnectionClass(e)) {
                throw e;
            }
            throw new RoleUnavailableException(role.get(), e);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            statement.execute(sql);
        }
    }

    private static void reset(Lease lease, Connection connection, int idleTimeout, boolean oneStatement) {
        if (!endAndRestore(connection, idleTimeout, oneStatement)) {
            lease.evict();
        }
    }

    /**
     * Ends the transaction, resets the session and puts back the connection's idle network timeout; still under
     * the call's network timeout, so a server that stops answering fails it rather than blocking it.
     *
     * @return true when the connection is clean and may be lent again
     */
    private static boolean endAndRestore(Connection connection, int idleTimeout, boolean oneStatement) {
        try {
            if (!connection.isClosed() && endAndReset(connection, oneStatement)) {
                connection.setAutoCommit(true); // no round trip: the server said the transaction is over
                if (idleTimeout >= 0) {
                    connection.setNetworkTimeout(Runnable::run, idleTimeout);
                }
                return true;
            }
        } catch (SQLException | RuntimeException e) {
            logger.log(System.Logger.Level.DEBUG, "session reset failed; closing the connection: {0}", e.getMessage());
        }
        return false;
    }

    /**
     * Ends the call: {@link #ROLLBACK} while the transaction of a work of one statement is open (or failed);
     * {@link #RESET} when the transaction is over already (nothing was sent, or the work ended it), after a
     * {@code ROLLBACK} when a work of several statements left it open (one of them may have ended a transaction
     * and chained a new one, so what the others did before may have been committed). A single statement that
     * ends the transaction cannot also have made session state before: what ran before it in the transaction
     * was the setup's {@code SET LOCAL}s, which end with it. Sent as one simple Query message: one round trip,
     * and cheaper on the server than the extended protocol's Parse, Bind, Describe and Execute for each of its
     * statements. No {@code BEGIN} goes with it.
     *
     * @param oneStatement the work ran one statement (after the setup)
     * @return true when the session is clean and out of any transaction; false when it holds state the reset
     *         cannot remove
     * @throws SQLException when the reset failed (then nothing of it took effect but the {@code ROLLBACK})
     */
    static boolean endAndReset(Connection connection, boolean oneStatement) throws SQLException {
        QueryExecutor executor = connection.unwrap(BaseConnection.class).getQueryExecutor();
        String sql = executor.getTransactionState() == TransactionState.IDLE
                ? RESET
                : oneStatement ? ROLLBACK : "ROLLBACK; " + RESET;
        CountHandler handler = new CountHandler();
        Query query = executor.wrap(List.of(new NativeQuery(sql, new int[0], true,
                SqlCommand.createStatementTypeInfo(SqlCommandType.BLANK))));
        try {
            executor.execute(query, null, handler, 0, 0, QueryExecutor.QUERY_EXECUTE_AS_SIMPLE
                    | QueryExecutor.QUERY_SUPPRESS_BEGIN | QueryExecutor.QUERY_ONESHOT);
        } finally {
            query.close();
        }
        TransactionState state = executor.getTransactionState();
        if (handler.count != 0 || state != TransactionState.IDLE) {
            logger.log(System.Logger.Level.DEBUG,
                    "session reset left {0} prepared statement(s), transaction {1}; closing the connection",
                    handler.count, state);
            return false;
        }
        return true;
    }

    /** Takes the count of the reset's last statement (-1 until a row came); errors are thrown at completion. */
    private static final class CountHandler extends ResultHandlerBase {
        long count = -1;

        @Override
        public void handleResultRows(Query fromQuery, Field[] fields, List<Tuple> tuples, ResultCursor cursor) {
            if (fields.length == 2 && tuples.size() == 1) {
                byte[] value = tuples.get(0).get(1);
                count = value == null ? -1 : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void handleWarning(SQLWarning warning) {
            // notices of the reset tell nothing the count does not
        }
    }
}
