package io.pgmcp.db;

import io.pgmcp.config.RetryConfig;
import io.pgmcp.db.ReadOnlyTransaction.Start;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Sleeper;
import io.pgmcp.resilience.Ticker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * One configured database, executing against it with its availability: read-only queries, EXPLAIN,
 * grammar checks and reads for the layers above ({@link #read}), each under the discipline of
 * {@link ReadOnlyTransaction} on a connection of the pool it was given, made resilient:
 *
 * <ul>
 * <li>A call is retried (per {@code retry.database}) when its connection broke or PostgreSQL reported a
 *     serialization or recovery conflict — {@link SqlFailure#isRetryable} — within a budget of the
 *     pool's acquire timeout plus the call's timeout that retries never extend; never a timeout or a
 *     SQL error.</li>
 * <li>When no connection can be opened, a call stalls for its whole network bound, or retries run out
 *     on broken connections, the database is marked down ({@link Availability}) and its idle
 *     connections closed; while it is down, calls fail at once with a {@link DatabaseDownException}.</li>
 * <li>{@link #probeIfDue} is the recovery probe the owner runs: {@code SELECT 1} past the down check,
 *     on a connection that then stays in the pool for the next call.</li>
 * </ul>
 * Every failure is a {@link DatabaseException}. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(Database.class.getName());

    /** How much longer than its statement timeout a call waits for an answer before it gives the link up. */
    public static final Duration DEFAULT_NETWORK_MARGIN = Duration.ofSeconds(5);

    private final String name;
    private final ConnectionPool pool;
    private final ResultReader reader = new ResultReader();
    private final Resilience resilience;

    /**
     * How a database's calls survive failures.
     *
     * @param retry         retries of broken connections and conflicts ({@code retry.database})
     * @param availability  this database's up/down state and probe schedule
     * @param networkMargin a call waits at most its statement timeout plus this for any answer of the
     *                      server; then the link is taken for dead (SQLSTATE 08006) and the connection closed
     */
    public record Resilience(Retry retry, Availability availability, Duration networkMargin) {
        public Resilience {
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(availability, "availability");
            if (networkMargin == null || networkMargin.isNegative()) {
                throw new IllegalArgumentException("networkMargin must be zero or positive, got " + networkMargin);
            }
        }

        /** Retries and probes as {@code config} ({@code retry.database}) says, the default network margin. */
        public static Resilience of(String database, RetryConfig config, RandomGenerator random, Sleeper sleeper,
                Ticker ticker,
                InstantSource clock) {
            return of(database, config, random, sleeper, ticker, clock, Retry.Listener.NONE);
        }

        /** As above, with a listener told about every attempt (for metrics). */
        public static Resilience of(String database, RetryConfig config, RandomGenerator random, Sleeper sleeper,
                Ticker ticker,
                InstantSource clock, Retry.Listener listener) {
            return new Resilience(Retry.of("database '" + database + "'", config, random, sleeper, ticker, listener),
                    new Availability(database, Availability.probeBackoff(config, random), ticker, clock),
                    DEFAULT_NETWORK_MARGIN);
        }

        public Resilience withNetworkMargin(Duration margin) {
            return new Resilience(retry, availability, margin);
        }
    }

    /**
     * @param pool the database's connections, built by the owner; this database closes it on {@link #close}
     */
    public Database(String name, ConnectionPool pool, Resilience resilience) {
        this.name = Objects.requireNonNull(name, "name");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.resilience = Objects.requireNonNull(resilience, "resilience");
    }

    /**
     * This database, on the same pool, with other resilience settings: for the composition root, before
     * any call. The two share the pool, so use one of them and close only that one.
     */
    public Database withResilience(Resilience newResilience) {
        return new Database(name, pool, newResilience);
    }

    public String name() {
        return name;
    }

    /** Whether the database is up, or since when and why it is down. */
    public Availability.Health health() {
        return resilience.availability().health();
    }

    public Availability availability() {
        return resilience.availability();
    }

    /** Attempts and retries of this database's calls, for metrics. */
    public Retry retry() {
        return resilience.retry();
    }

    /**
     * Throws at once while the database is down, so that callers can skip work that would be wasted
     * (an LLM call for a query that cannot run).
     */
    public void checkAvailable() throws DatabaseDownException {
        resilience.availability().check();
    }

    /**
     * Runs one query in a read-only transaction and reads at most {@code limits.maxRows()} rows.
     * The SQL must already have passed the guard; as a second line of defence, SQL holding more than one
     * statement is refused (SQLSTATE 42601) before anything runs.
     * With {@code limits.role()}, the statement runs as that role, or not at all ({@link RoleUnavailableException}).
     * A cancellation that arrives before the statement starts stops the call before it runs; one that
     * lands in the few microseconds between that check and pgjdbc's start of execution is lost, and the
     * statement then ends at the statement timeout.
     *
     * @throws DatabaseException whatever PostgreSQL or the pool answered ({@link CancelledException} for
     *                           the client's cancel)
     */
    public ResultTable query(String sql, ExecutionLimits limits, CancelSignal cancel) throws DatabaseException {
        AtomicBoolean cancelled = new AtomicBoolean();
        // alone: with other statements in front, pgjdbc would not fetch its rows in batches
        return call(limits.statementTimeout(), limits.searchPath(), limits.role(), Start.SETUP_APART,
                (connection, prefix) -> {
                    requireOneStatement(connection, sql);
                    ResultReader.Read read;
                    try (Statement statement = connection.createStatement()) {
                        statement.setEscapeProcessing(false); // run the SQL the guard checked, not pgjdbc's {fn ...} rewrite
                        statement.setMaxRows(limits.maxRows() + 1);
                        statement.setFetchSize(ResultBuffer.firstFetch(limits.maxRows(), limits.maxBytes()));
                        cancel.onCancel(() -> {
                            cancelled.set(true);
                            cancelQuietly(statement);
                        });
                        // pgjdbc ignores cancel() on a statement that is not executing yet, and the signal runs
                        // its hook at once when the request was cancelled before we got here
                        if (cancelled.get()) {
                            throw new CancelledException(null);
                        }
                        if (!statement.execute(sql)) {
                            throw new SQLException("the statement returned no result set", "0100C");
                        }
                        try (ResultSet rs = statement.getResultSet()) {
                            read = reader.read(rs, limits.maxRows(), limits.maxBytes());
                        }
                    } catch (SQLException e) {
                        if (ResultBuffer.exceeded(e)) {
                            closeAbruptly(connection);
                            throw new ResultTooLargeException(limits.maxBytes(), e);
                        }
                        if (cancelled.get()) {
                            throw new CancelledException(e);
                        }
                        throw e;
                    } catch (RuntimeException e) {
                        // the driver failed in a way it does not report: what it has read of the stream is unknown
                        closeAbruptly(connection);
                        throw e;
                    }
                    if (read.cut()) {
                        closeAbruptly(connection);
                    }
                    ResultTable table = read.table();
                    if (table.rowCount() == 0 && table.truncationReason().equals(Optional.of("max_result_bytes"))) {
                        throw new ResultTooLargeException(limits.maxBytes(), null);
                    }
                    return table;
                });
    }

    /**
     * Closes {@code connection} at once, without a word to the server: for a connection whose driver stopped
     * in the middle of a message, so that nothing is read from it or sent to it again.
     */
    private static void closeAbruptly(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            logger.log(System.Logger.Level.DEBUG, "aborting a connection failed: {0}", e.getMessage());
        }
    }

    /**
     * One call: fails at once while the database is down; otherwise borrows a connection and runs
     * {@code work} in the read-only discipline, retrying what {@link #retryable} allows within the
     * pool's acquire timeout plus {@code timeout} (all attempts share one acquire deadline), and marks
     * the database down when the failure says it is gone.
     */
    private <T> T call(Duration timeout, List<String> searchPath, Optional<String> role, Start start,
            ReadOnlyTransaction.Work<T> work) throws DatabaseException {
        long acquireDeadline = pool.acquireDeadline();
        Duration budget = pool.settings().acquireTimeout().plus(timeout);
        AtomicLong generation = new AtomicLong();
        try {
            return resilience.retry().run(() -> {
                generation.set(resilience.availability().check());
                return attempt(acquireDeadline, generation.get(), timeout, searchPath, role, start, work);
            }, this::retryable, budget);
        } catch (DatabaseException e) {
            if (retryable(e) && SqlFailure.isConnectionClass(e) && !Thread.currentThread().isInterrupted()) {
                // broken connections until the retries or their budget ran out: the server is not there
                throw wentDown(e, generation.get());
            }
            throw e;
        }
    }

    private <T> T attempt(long acquireDeadline, long generation, Duration timeout, List<String> searchPath,
            Optional<String> role, Start start, ReadOnlyTransaction.Work<T> work) throws DatabaseException {
        Lease lease;
        try {
            lease = pool.acquire(acquireDeadline);
        } catch (PoolTimeoutException busy) {
            throw busy;
        } catch (DatabaseException e) {
            if (SqlFailure.isConnectionClass(e) && !pool.isClosed() && !Thread.currentThread().isInterrupted()) {
                throw wentDown(e, generation); // no connection can be opened: the database is down
            }
            throw e;
        }
        try (lease) {
            return ReadOnlyTransaction.run(lease, timeout, timeout.plus(resilience.networkMargin()), searchPath, role,
                    start, work);
        } catch (SQLException | DatabaseException e) {
            DatabaseException failure = e instanceof SQLException sql
                    ? DatabaseException.of(sql)
                    : (DatabaseException) e;
            if (SqlFailure.isConnectionClass(failure)) {
                if (SqlFailure.isNetworkTimeout(failure)) {
                    throw wentDown(failure, generation); // silent for the call's whole bound: a stall, not worth a retry
                }
                // the server dropped this connection; those idle beside it most likely went with it
                pool.evictIdle();
            }
            throw failure;
        }
    }

    private boolean retryable(DatabaseException e) {
        return SqlFailure.isRetryable(e) && !pool.isClosed();
    }

    /**
     * Marks the database down for {@code cause}, closes the idle connections, and answers what to throw:
     * the down state, or {@code cause} itself when the database came back since the call started.
     */
    private DatabaseException wentDown(DatabaseException cause, long generation) {
        if (cause instanceof DatabaseDownException) {
            return cause;
        }
        Optional<DatabaseDownException> down = resilience.availability().markDown(cause, generation);
        pool.evictIdle();
        return down.isPresent() ? down.get() : cause;
    }

    /**
     * The recovery probe: when the database is down and a probe is due, runs {@code SELECT 1} in the
     * read-only discipline on a pooled connection (past the down check; usually a new connection, which
     * then stays in the pool for the first call); success marks the database up.
     *
     * @param timeout the probe's statement timeout (its network bound adds the margin; opening a
     *                connection is bounded by the connect timeout)
     * @return true when the database is up afterwards
     */
    public boolean probeIfDue(Duration timeout) {
        Availability availability = resilience.availability();
        long generation = availability.beginProbe();
        if (generation < 0) {
            return availability.isUp();
        }
        try (Lease lease = pool.acquire(pool.acquireDeadline())) {
            ReadOnlyTransaction.run(lease, timeout, timeout.plus(resilience.networkMargin()), List.of(),
                    Optional.empty(), Start.SNAPSHOT_FIRST, (connection, prefix) -> null);
            availability.probeSucceeded(generation);
        } catch (SQLException | DatabaseException e) {
            DatabaseException failure = e instanceof SQLException sql
                    ? DatabaseException.of(sql)
                    : (DatabaseException) e;
            if (SqlFailure.isConnectionClass(failure)) {
                pool.evictIdle();
            }
            availability.probeFailed(generation, failure);
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "database ''" + name + "'': the probe failed unexpectedly", e);
            availability.probeFailed(generation, DatabaseException.of(
                    new SQLException("the probe failed unexpectedly: " + e, SqlState.INTERNAL_ERROR.code(), e)));
        }
        return availability.isUp();
    }

    /**
     * Refuses SQL that pgjdbc would split into several statements: it runs every piece, so a
     * {@code COMMIT} among them ends our read-only transaction and what follows runs in a new one
     * where {@code SET TRANSACTION READ WRITE} still works — and commits. Counts with pgjdbc's own
     * splitter so the count is what it would execute; pieces of only comments do not count.
     */
    static void requireOneStatement(Connection connection, String sql) throws SQLException {
        boolean standardStrings = connection.unwrap(BaseConnection.class).getStandardConformingStrings();
        List<NativeQuery> pieces = Parser.parseJdbcSql(sql, standardStrings, false, true, false, false);
        long statements = pieces.stream().filter(piece -> !onlyComments(piece.nativeSql)).count();
        if (statements > 1) {
            throw new SQLException("the SQL holds " + statements + " statements; run one statement per call",
                    SqlState.SYNTAX_ERROR.code());
        }
    }

    private static boolean onlyComments(String sql) {
        char[] chars = sql.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (c == '-' && i + 1 < chars.length && chars[i + 1] == '-') {
                i = Parser.parseLineComment(chars, i);
            } else if (c == '/' && i + 1 < chars.length && chars[i + 1] == '*') {
                i = Parser.parseBlockComment(chars, i);
            } else if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code work} on a pooled connection inside the same read-only discipline as queries, with
     * the same retries and down marking: for readers above this package (the catalog, what the role
     * may read), which see statements and rows, never JDBC.
     */
    public <T> T read(Duration timeout, List<String> searchPath, SqlWork<T> work) throws DatabaseException {
        return read(timeout, searchPath, Optional.empty(), work);
    }

    /**
     * As {@link #read(Duration, List, SqlWork)}, as {@code role} ({@code SET LOCAL ROLE}) when given: for a read
     * on behalf of a caller that has a role of its own.
     *
     * @throws RoleUnavailableException when the role cannot be assumed (then nothing ran)
     */
    public <T> T read(Duration timeout, List<String> searchPath, Optional<String> role, SqlWork<T> work)
            throws DatabaseException {
        return call(timeout, searchPath, role, Start.SNAPSHOT_FIRST, (connection, prefix) -> {
            try {
                return work.run(new JdbcSession(connection));
            } catch (DatabaseException e) {
                // the driver's own exception, so that this call classifies it as it does any other
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw e;
            }
        });
    }

    private static final String EXPLAIN = "EXPLAIN (FORMAT JSON) ";

    /**
     * The plan of a query the guard has allowed, by {@code EXPLAIN (FORMAT JSON)} in the same read-only
     * discipline: its top node. Not VERBOSE: it would print every target list with the constants the
     * planner folded, so a query about to be refused could still make PostgreSQL send (and pg-mcp hold)
     * a plan as large as its biggest value.
     */
    public PlanNode explain(String sql, Duration timeout, List<String> searchPath) throws DatabaseException {
        return explain(sql, timeout, searchPath, Optional.empty());
    }

    /**
     * As {@link #explain(String, Duration, List)}, planned as {@code role} ({@code SET LOCAL ROLE}) when given, so
     * that its privileges and row-level security policies are the ones the plan is made under.
     *
     * @throws RoleUnavailableException when the role cannot be assumed (then nothing ran)
     */
    public PlanNode explain(String sql, Duration timeout, List<String> searchPath, Optional<String> role)
            throws DatabaseException {
        try {
            return explainPlan(sql, timeout, searchPath, role);
        } catch (DatabaseException e) {
            // PostgreSQL counts the position of an error from the start of the EXPLAIN statement; the caller
            // wrote only the query
            Integer position = e.failure().position();
            if (e.getClass() != DatabaseException.class || position == null || position <= EXPLAIN.length()) {
                throw e;
            }
            throw new DatabaseException(e.getMessage(), e.failure().atPosition(position - EXPLAIN.length()), e);
        }
    }

    private PlanNode explainPlan(String sql, Duration timeout, List<String> searchPath, Optional<String> role)
            throws DatabaseException {
        return call(timeout, searchPath, role, Start.WITH_STATEMENT, (connection, prefix) -> {
            requireOneStatement(connection, sql);
            try (Statement statement = connection.createStatement()) {
                statement.setEscapeProcessing(false);
                try (ResultSet rs = lastResult(statement, prefix + EXPLAIN + sql)) {
                    if (!rs.next()) {
                        throw new SQLException("EXPLAIN returned no plan", SqlState.INTERNAL_ERROR.code());
                    }
                    try {
                        return ExplainJson.topPlan(rs.getString(1));
                    } catch (IllegalArgumentException e) {
                        throw new SQLException("EXPLAIN returned no readable plan: " + e.getMessage(),
                                SqlState.INTERNAL_ERROR.code(), e);
                    }
                }
            }
        });
    }

    /** Executes {@code sql} (statements without rows, then one with) and answers the rows of the last. */
    private static ResultSet lastResult(Statement statement, String sql) throws SQLException {
        boolean isResultSet = statement.execute(sql);
        while (!isResultSet) {
            if (statement.getUpdateCount() == -1) {
                throw new SQLException("the statement returned no result set", "0100C");
            }
            isResultSet = statement.getMoreResults();
        }
        return statement.getResultSet();
    }

    /**
     * PostgreSQL's grammar on one statement, asked in a way that cannot run it (see {@link ParseOnly}):
     * in the read-only discipline with {@code timeout} as statement timeout and an empty search path.
     * Never throws: when PostgreSQL cannot be asked (down, busy, timed out...) the answer says so.
     *
     * @param statement one statement (the guard's lexer accepted it as exactly one)
     */
    public GrammarCheck checkGrammar(String statement, Duration timeout) {
        try {
            return call(timeout, List.of(), Optional.empty(), Start.SNAPSHOT_FIRST,
                    (connection, prefix) -> ParseOnly.grammar(connection, statement));
        } catch (DatabaseException e) {
            SqlFailure failure = e.failure();
            return new GrammarCheck.Unanswered(failure.kind() + " " + failure.sqlState() + ": " + failure.message());
        }
    }

    /** Work inside {@link #read}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(SqlSession session) throws DatabaseException;
    }

    /** The statement was cancelled because the client cancelled the request (SQLSTATE 57014). */
    public static final class CancelledException extends DatabaseException {
        private static final long serialVersionUID = 1L;
        private static final String MESSAGE = "the statement was cancelled at the client's request";

        CancelledException(SQLException cause) {
            super(MESSAGE,
                    new SqlFailure(SqlFailure.Kind.CANCELLED, SqlState.QUERY_CANCELED.code(), MESSAGE, null, null,
                            null),
                    cause);
        }
    }

    /**
     * Not even the first row of the result fits in {@code max_result_bytes}: the first row alone is larger, or
     * PostgreSQL sent more than the driver may hold for one fetch before any row was kept. SQLSTATE 54000
     * (program limit exceeded); never retried, and not a connection failure, though the connection that was
     * cut in the middle of the result was closed.
     */
    public static final class ResultTooLargeException extends DatabaseException {
        private static final long serialVersionUID = 1L;

        private final long maxBytes;

        ResultTooLargeException(long maxBytes, SQLException driverRefusal) {
            super(message(maxBytes), new SqlFailure(SqlFailure.Kind.RESULT_TOO_LARGE,
                    SqlState.PROGRAM_LIMIT_EXCEEDED.code() + "000", message(maxBytes), null, null, null), null);
            this.maxBytes = maxBytes;
            if (driverRefusal != null) {
                // suppressed, not the cause: its SQLSTATE (08S01) would make this a broken connection, retried
                addSuppressed(driverRefusal);
            }
        }

        private static String message(long maxBytes) {
            return "the first rows of the result are larger than max_result_bytes (" + maxBytes
                    + " bytes of JSON)";
        }

        /** {@code max_result_bytes}: the JSON size the result had to fit in. */
        public long maxBytes() {
            return maxBytes;
        }
    }

    private static void cancelQuietly(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            logger.log(System.Logger.Level.DEBUG, "statement cancel failed: {0}", e.getMessage());
        }
    }

    /**
     * The pool's state now. A call returns before its connection's session reset is over, so right after a call
     * its connection may still count as active ({@link PoolStats#resetting}); {@link #awaitIdle} waits that out.
     */
    public PoolStats poolStats() {
        return pool.stats();
    }

    /**
     * Waits until no connection is lent or being reset, or {@code timeout} passes.
     *
     * @return whether every connection was back in time
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return pool.awaitIdle(timeout);
    }

    /** Waits up to five seconds for lent connections, then closes the pool. */
    @Override
    public void close() {
        try {
            pool.awaitIdle(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
