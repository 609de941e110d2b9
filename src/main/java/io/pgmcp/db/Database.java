package io.pgmcp.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * One configured database: its pool, its current catalog (swapped atomically on refresh) and
 * read-only execution under the discipline of {@link ReadOnlyTransaction}. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(Database.class.getName());

    /** How much longer than its statement timeout a call waits for an answer before it gives the link up. */
    public static final Duration DEFAULT_NETWORK_MARGIN = Duration.ofSeconds(5);

    private final String name;
    private final ConnectionPool pool;
    private final CatalogLoader loader;
    private final Set<String> systemSchemas;
    private final ResultReader reader;
    private final Duration networkMargin;
    private final AtomicReference<Catalog> catalog = new AtomicReference<>();
    private final AtomicReference<CatalogFailure> lastFailure = new AtomicReference<>();

    /** Why the catalog could not be loaded, and when. */
    public record CatalogFailure(Instant at, SqlFailure failure) {
    }

    /**
     * @param systemSchemas system schemas the catalog loads too, because the access policy allows them
     */
    public Database(String name, ConnectionPool pool, CatalogLoader loader, Set<String> systemSchemas, ObjectMapper json) {
        this(name, pool, loader, systemSchemas, json, DEFAULT_NETWORK_MARGIN);
    }

    /**
     * @param networkMargin a call waits at most its statement timeout plus this for any answer of the
     *                      server; then the link is taken for dead (SQLSTATE 08006) and the connection closed
     */
    public Database(String name, ConnectionPool pool, CatalogLoader loader, Set<String> systemSchemas, ObjectMapper json,
                    Duration networkMargin) {
        this.name = name;
        this.pool = pool;
        this.loader = loader;
        this.systemSchemas = Set.copyOf(systemSchemas);
        this.reader = new ResultReader(json);
        this.networkMargin = networkMargin;
    }

    public String name() {
        return name;
    }

    /** The catalog, once loaded; empty while the database has never been reached. */
    public Optional<Catalog> catalog() {
        return Optional.ofNullable(catalog.get());
    }

    /** The failure of the last catalog load, cleared by a successful one. */
    public Optional<CatalogFailure> lastCatalogFailure() {
        return Optional.ofNullable(lastFailure.get());
    }

    /**
     * Loads the catalog and swaps it in; on failure the previous catalog stays and the failure is kept.
     *
     * @throws SQLException the load's failure
     */
    public Catalog refreshCatalog(Duration timeout) throws SQLException {
        try (Lease lease = pool.acquire()) {
            Catalog loaded = ReadOnlyTransaction.run(lease, timeout, timeout.plus(networkMargin), List.of("pg_catalog"),
                    connection -> loader.load(connection, name, systemSchemas));
            catalog.set(loaded);
            lastFailure.set(null);
            return loaded;
        } catch (SQLException e) {
            lastFailure.set(new CatalogFailure(Instant.now(), SqlFailure.of(e, false)));
            throw e;
        }
    }

    /**
     * Runs one query in a read-only transaction and reads at most {@code limits.maxRows()} rows.
     * The SQL must already have passed the guard; as a second line of defence, SQL holding more than one
     * statement is refused (SQLSTATE 42601) before anything runs.
     * A cancellation that arrives before the statement starts stops the call before it runs; one that
     * lands in the few microseconds between that check and pgjdbc's start of execution is lost, and the
     * statement then ends at the statement timeout.
     *
     * @throws SQLException whatever PostgreSQL or the pool answered; classify with {@link SqlFailure#of}
     */
    public ResultTable query(String sql, ExecutionLimits limits, CancelSignal cancel) throws SQLException {
        AtomicBoolean cancelled = new AtomicBoolean();
        try (Lease lease = pool.acquire()) {
            return ReadOnlyTransaction.run(lease, limits.statementTimeout(), limits.statementTimeout().plus(networkMargin),
                    limits.searchPath(), connection -> {
                requireOneStatement(connection, sql);
                try (Statement statement = connection.createStatement()) {
                    statement.setEscapeProcessing(false); // run the SQL the guard checked, not pgjdbc's {fn ...} rewrite
                    statement.setMaxRows(limits.maxRows() + 1);
                    statement.setFetchSize(Math.min(limits.maxRows() + 1, 1000));
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
                        return reader.read(rs, limits.maxRows(), limits.maxBytes());
                    }
                }
            });
        } catch (SQLException e) {
            if (cancelled.get() && !(e instanceof CancelledException)) {
                throw new CancelledException(e);
            }
            throw e;
        }
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
            throw new SQLException("the SQL holds " + statements + " statements; run one statement per call", "42601");
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
     * Runs {@code work} on a pooled connection inside the same read-only discipline as queries (for
     * EXPLAIN and similar checks).
     */
    public <T> T inReadOnlyTransaction(Duration timeout, List<String> searchPath, ReadOnlyWork<T> work) throws SQLException {
        try (Lease lease = pool.acquire()) {
            return ReadOnlyTransaction.run(lease, timeout, timeout.plus(networkMargin), searchPath, work::run);
        }
    }

    /**
     * {@code EXPLAIN (FORMAT JSON)} of a query the guard has allowed, in the same read-only
     * discipline; answers the plan JSON text.
     */
    public String explain(String sql, Duration timeout, List<String> searchPath) throws SQLException {
        return inReadOnlyTransaction(timeout, searchPath, connection -> {
            requireOneStatement(connection, sql);
            try (Statement statement = connection.createStatement()) {
                statement.setEscapeProcessing(false);
                try (ResultSet rs = statement.executeQuery("EXPLAIN (FORMAT JSON) " + sql)) {
                    if (!rs.next()) {
                        throw new SQLException("EXPLAIN returned no plan", "XX000");
                    }
                    return rs.getString(1);
                }
            }
        });
    }

    /** Work inside {@link #inReadOnlyTransaction}. */
    @FunctionalInterface
    public interface ReadOnlyWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** The statement was cancelled because the client cancelled the request. */
    public static final class CancelledException extends SQLException {
        private static final long serialVersionUID = 1L;

        CancelledException(SQLException cause) {
            super("the statement was cancelled at the client's request", "57014", cause);
        }
    }

    private static void cancelQuietly(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            logger.log(System.Logger.Level.DEBUG, "statement cancel failed: {0}", e.getMessage());
        }
    }

    public PoolStats poolStats() {
        return pool.stats();
    }

    public void maintainPool() {
        pool.maintain();
    }

    /** Waits up to {@code drain} for lent connections, then closes the pool. */
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
