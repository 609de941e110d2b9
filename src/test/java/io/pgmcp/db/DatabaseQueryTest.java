package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Database#query} against real PostgreSQL: timeouts, limits, failures, cancellation, and
 * the discipline that leaves every pooled connection as clean as it was.
 */
class DatabaseQueryTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE t (id int PRIMARY KEY, name text);
            INSERT INTO t VALUES (1, 'a'), (2, 'b');
            CREATE SEQUENCE seq;
            """);

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One connection only: every call below reuses the connection the previous call left behind. */
    private static Database single;
    private static Database shared;

    @BeforeAll
    static void open() {
        single = PoolFixture.database(db.get(), PoolFixture.settings("single", 0, 1, TIMEOUT), Ticker.system());
        shared = PoolFixture.database(db.get(), PoolFixture.settings("shared", 0, 4, TIMEOUT), Ticker.system());
    }

    @AfterAll
    static void close() {
        single.close();
        shared.close();
    }

    private static ResultTable query(Database database, String sql) throws Exception {
        return database.query(sql, PoolFixture.limits(1000, 1 << 20, TIMEOUT), CancelSignal.NONE);
    }

    private static SqlFailure failure(Database database, String sql, Duration timeout) {
        DatabaseException e = assertThrows(DatabaseException.class,
                () -> database.query(sql, PoolFixture.limits(1000, 1 << 20, timeout), CancelSignal.NONE));
        return SqlFailure.of(e, false);
    }

    @Test
    void statementTimeoutStopsTheQueryAndTheConnectionWorksAfterwards() throws Exception {
        Database database = PoolFixture.database(db.get(), PoolFixture.settings("timeout", 0, 1, TIMEOUT),
                Ticker.system());
        try (database) {
            long pid = pid(database);
            long started = System.nanoTime();
            SqlFailure failure = failure(database, "SELECT pg_sleep(5)", Duration.ofMillis(500));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(SqlFailure.Kind.TIMEOUT, failure.kind(), failure.toString());
            assertEquals("57014", failure.sqlState());
            assertTrue(tookMs >= 450 && tookMs < 3_000, "stopped after " + tookMs + " ms by a 500 ms timeout");
            assertEquals(pid, pid(database), "the same pooled connection serves the next call");
            assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(new PoolStats(1, 1, 0, 0), database.poolStats());
        }
    }

    @Test
    void moreRowsThanTheLimitReturnExactlyTheLimit() throws Exception {
        ResultTable table = shared.query("SELECT g FROM generate_series(1, 100) g",
                PoolFixture.limits(10, 1 << 20, TIMEOUT), CancelSignal.NONE);
        assertEquals(10, table.rowCount());
        assertTrue(table.truncated());
        assertEquals(Optional.of("limit"), table.truncationReason());
        assertEquals(10, ((Number) table.rows().get(9).get(0)).intValue());

        ResultTable exact = shared.query("SELECT g FROM generate_series(1, 10) g",
                PoolFixture.limits(10, 1 << 20, TIMEOUT), CancelSignal.NONE);
        assertEquals(10, exact.rowCount());
        assertFalse(exact.truncated(), "exactly limit rows is not truncated");
        assertEquals(Optional.empty(), exact.truncationReason());
    }

    @Test
    void resultOverMaxBytesIsTruncatedWithinTheBound() throws Exception {
        ResultTable table = shared.query("SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 100) g",
                PoolFixture.limits(1000, 1000, TIMEOUT), CancelSignal.NONE);
        assertTrue(table.truncated());
        assertEquals(Optional.of("max_result_bytes"), table.truncationReason());
        int written = PoolFixture.JSON.writeValueAsBytes(table.rows()).length;
        assertTrue(written <= 1000, "rows' JSON is " + written + " bytes, over the 1000-byte bound");
        assertTrue(table.bytes() <= 1000 && table.bytes() >= written,
                "bytes " + table.bytes() + " vs written " + written);
        assertTrue(table.rowCount() >= 8, "as many rows as fit: " + table.rowCount());

        Database.ResultTooLargeException none = assertThrows(Database.ResultTooLargeException.class,
                () -> shared.query("SELECT repeat('x', 5000) AS pad", PoolFixture.limits(1000, 1000, TIMEOUT),
                        CancelSignal.NONE),
                "a first row over the bound is not an empty result but a failure that says so");
        assertEquals(1000, none.maxBytes());
    }

    @Test
    void sqlErrorCarriesSqlStateAndPosition() {
        SqlFailure failure = failure(shared, "SELECT nosuchcolumn FROM t", TIMEOUT);
        assertEquals(SqlFailure.Kind.QUERY, failure.kind());
        assertEquals("42703", failure.sqlState());
        assertEquals(8, failure.position());
        assertTrue(failure.message().contains("nosuchcolumn"), failure.message());
    }

    @Test
    void explainErrorPositionCountsFromTheStartOfTheQueryNotOfTheExplain() {
        DatabaseException e = assertThrows(DatabaseException.class,
                () -> shared.explain("SELECT nosuchcolumn FROM t", TIMEOUT, List.of("public")));
        assertEquals("42703", e.failure().sqlState());
        assertEquals(8, e.failure().position(), "the position in the caller's SQL, as when the query runs");
    }

    @Test
    void explainGivesThePlanWithItsFieldsListsAndChildrenAsPostgresWroteThem() throws Exception {
        PlanNode sort = shared.explain("SELECT a.name, b.id FROM t a JOIN t b ON b.id = a.id WHERE a.id > 0"
                + " ORDER BY a.name, b.id LIMIT 5", TIMEOUT, List.of("public")).children().getFirst();
        assertEquals("Sort", sort.field("Node Type"));
        assertEquals(List.of("a.name", "b.id"), sort.lists().get("Sort Key"));
        assertEquals("Outer", sort.field("Parent Relationship"));
        double rows = Double.parseDouble(sort.field("Plan Rows"));
        assertTrue(rows >= 1 && Double.parseDouble(sort.field("Total Cost")) > 0, sort.fields().toString());
        assertEquals("false", sort.field("Parallel Aware"));
        PlanNode join = sort.children().getFirst();
        assertTrue(join.field("Node Type").endsWith("Join") || join.field("Node Type").equals("Nested Loop"),
                join.field("Node Type"));
        assertEquals(2, join.children().size(), "both sides of the join");
        PlanNode top = shared.explain("SELECT 1 WHERE now() > '2000-01-01'", TIMEOUT, List.of());
        assertEquals("Result", top.field("Node Type"));
        assertTrue(top.field("One-Time Filter").contains("2000-01-01"), top.fields().toString());
    }

    @Test
    void callRunsInAReadOnlyTransaction() throws Exception {
        ResultTable show = query(shared, "SHOW transaction_read_only");
        assertEquals("on", show.rows().get(0).get(0));
        for (String write : List.of("CREATE TABLE written (i int)", "INSERT INTO t VALUES (3, 'c')",
                "UPDATE t SET name = 'z'", "SELECT nextval('seq')")) {
            SqlFailure failure = failure(shared, write, TIMEOUT);
            assertEquals(SqlFailure.Kind.READ_ONLY_VIOLATION, failure.kind(), write + ": " + failure);
            assertEquals("25006", failure.sqlState(), write);
        }
        assertNothingWritten();
    }

    @Test
    void sessionsStayNamedPgMcpAfterTheResetOfEachCall() throws Exception {
        String sql = "SELECT current_setting('application_name') AS name, current_setting('default_transaction_read_only') AS ro";
        for (int call = 1; call <= 3; call++) { // the second call reuses the connection DISCARD ALL reset
            ResultTable row = query(single, sql);
            assertEquals("pg-mcp", row.rows().get(0).get(0), "call " + call + ": DBAs find pg-mcp in pg_stat_activity");
            assertEquals("on", row.rows().get(0).get(1), "call " + call);
        }
    }

    @Test
    void searchPathIsPinnedForTheCall() throws Exception {
        ResultTable path = shared.query("SHOW search_path",
                new ExecutionLimits(10, 1 << 20, TIMEOUT, List.of("public", "Odd \"Name\"")), CancelSignal.NONE);
        assertEquals("public, \"Odd \"\"Name\"\"\"", path.rows().get(0).get(0));
    }

    @Test
    void noSessionStateSurvivesACall() throws Exception {
        String defaultWorkMem;
        try (Connection c = db.get().connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW work_mem")) {
            rs.next();
            defaultWorkMem = rs.getString(1);
        }
        long pid = pid(single);

        // success, leaving a session GUC and a session advisory lock behind
        ResultTable ok = query(single, "SELECT set_config('work_mem', '1MB', false) AS wm, pg_advisory_lock(42) AS l");
        assertEquals("1MB", ok.rows().get(0).get(0));
        assertClean(defaultWorkMem, pid);

        // statements that return no rows but leave state: each fails for want of a result, after running
        for (String stateful : List.of("LISTEN pgmcp_channel",
                "DECLARE c CURSOR WITH HOLD FOR SELECT 1", "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")) {
            assertThrows(DatabaseException.class, () -> query(single, stateful), stateful);
            assertClean(defaultWorkMem, pid);
        }

        // an SQL error after the state was set
        SqlFailure error = failure(single, "SELECT set_config('work_mem', '2MB', false), pg_advisory_lock(43), 1 / 0",
                TIMEOUT);
        assertEquals("22012", error.sqlState());
        assertClean(defaultWorkMem, pid);

        // a timeout after the state was set
        SqlFailure timeout = failure(single,
                "SELECT set_config('work_mem', '3MB', false), pg_advisory_lock(44), pg_sleep(5)",
                Duration.ofMillis(300));
        assertEquals(SqlFailure.Kind.TIMEOUT, timeout.kind());
        assertClean(defaultWorkMem, pid);

        assertTrue(single.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(new PoolStats(1, 1, 0, 0), single.poolStats(), "reset, not evicted");

        // a statement prepared with SQL PREPARE outlives a rollback, and the reset keeps the driver's own
        // prepared statements: the connection holding one is closed instead
        assertThrows(DatabaseException.class, () -> query(single, "PREPARE p AS SELECT 1"));
        assertEquals(new PoolStats(0, 0, 0, 0), single.poolStats(), "evicted");
        long next = pid(single);
        assertNotEquals(pid, next);
        assertClean(defaultWorkMem, next);
    }

    private static void assertClean(String defaultWorkMem, long pid) throws Exception {
        ResultTable state = query(single,
                """
                        SELECT current_setting('work_mem') AS work_mem,
                               (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()) AS advisory,
                               (SELECT count(*) FROM pg_prepared_statements) AS prepared,
                               (SELECT count(*) FROM pg_listening_channels()) AS listening,
                               (SELECT count(*) FROM pg_cursors WHERE is_holdable) AS held_cursors,
                               current_setting('default_transaction_read_only') AS read_only_default,
                               pg_backend_pid() AS pid
                        """);
        assertEquals("[[\"" + defaultWorkMem + "\",0,0,0,0,\"on\"," + pid + "]]",
                PoolFixture.JSON.writeValueAsString(state.rows()));
    }

    @Test
    void cancellationStopsTheStatementOnTheServer() throws Exception {
        Database database = PoolFixture.database(db.get(), PoolFixture.settings("cancel", 0, 1, TIMEOUT),
                Ticker.system());
        try (database; ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            long pid = pid(database);
            ManualCancelSignal cancel = new ManualCancelSignal();
            Future<ResultTable> running = executor.submit(() -> database.query("SELECT pg_sleep(30) /* cancel-me */",
                    PoolFixture.limits(10, 1 << 20, Duration.ofSeconds(60)), cancel));
            ConnectionPoolTest.waitUntil(() -> activeQuery(pid).contains("cancel-me"), "the query to run");

            long started = System.nanoTime();
            cancel.cancel();
            ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            Database.CancelledException cancelled = assertInstanceOf(Database.CancelledException.class, e.getCause());
            assertEquals(SqlFailure.Kind.CANCELLED, SqlFailure.of(cancelled, true).kind());
            assertTrue(tookMs < 2_000, "cancelled after " + tookMs + " ms");
            assertFalse(activeQuery(pid).contains("cancel-me"), "the server is no longer running it");
            assertEquals(pid, pid(database), "the connection is reused after a cancel");
        }
    }

    @Test
    void cancelBeforeTheStatementStartsIsNotLost() throws Exception {
        ManualCancelSignal cancel = new ManualCancelSignal();
        cancel.cancel(); // the client gave up before the database layer was reached
        long started = System.nanoTime();
        assertThrows(Database.CancelledException.class, () -> shared.query("SELECT pg_sleep(3)",
                PoolFixture.limits(10, 1 << 20, Duration.ofSeconds(10)), cancel));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMs < 1_000, "a cancelled call must not run its statement; took " + tookMs + " ms");
    }

    @Test
    void setTransactionReadWriteCannotMakeTheCallWritable() throws Exception {
        DatabaseException e = assertThrows(DatabaseException.class,
                () -> shared.read(TIMEOUT, List.of("public"), session -> {
                    session.execute("SET TRANSACTION READ WRITE");
                    session.execute("SELECT nextval('seq')"); // sequences are not rolled back
                    return null;
                }));
        assertEquals("25001", e.failure().sqlState(), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void commitInsideTheSqlCannotEndTheReadOnlyTransaction() throws Exception {
        // pgjdbc splits on ';' and runs every piece: after the COMMIT the rest would run outside our transaction
        SqlFailure failure = failure(shared,
                "SELECT 1; COMMIT; SET TRANSACTION READ WRITE; CREATE TABLE written (i int); COMMIT", TIMEOUT);
        assertEquals("42601", failure.sqlState(), failure.toString());
        assertTrue(failure.message().contains("5 statements"), failure.message());
        failure = failure(shared, "SET TRANSACTION READ WRITE; SELECT nextval('seq')", TIMEOUT);
        assertEquals("42601", failure.sqlState(), failure.toString());
        assertNothingWritten();
    }

    @Test
    void trailingSemicolonsAndCommentsAreStillOneStatement() throws Exception {
        for (String sql : List.of("SELECT 1;", "SELECT 1;;", "SELECT 1; -- done", "SELECT 1; /* a */ /* b */\n",
                "SELECT ';' AS v", "SELECT $$;$$ AS v", "-- a; comment\nSELECT 1", "SELECT 1 /* ; */")) {
            assertEquals(1, query(shared, sql).rowCount(), sql);
        }
    }

    @Test
    void jdbcEscapesAreNotRewritten() {
        // pgjdbc would turn {fn ucase('a')} into upper('a'): PostgreSQL must run the SQL the guard checked
        SqlFailure failure = failure(shared, "SELECT {fn ucase('a')}", TIMEOUT);
        assertEquals("42601", failure.sqlState(), failure.toString());
    }

    /** The query the backend {@code pid} is running now, or "" when it is idle. */
    private static String activeQuery(long pid) {
        try (Connection c = db.get().connect();
                PreparedStatement st = c
                        .prepareStatement("SELECT query FROM pg_stat_activity WHERE pid = ? AND state = 'active'")) {
            st.setLong(1, pid);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static long pid(Database database) throws Exception {
        return ((Number) query(database, "SELECT pg_backend_pid()").rows().get(0).get(0)).longValue();
    }

    private static void assertNothingWritten() throws Exception {
        try (Connection c = db.get().connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM t), to_regclass('written') IS NULL, "
                        + "(SELECT is_called FROM seq)")) {
            rs.next();
            assertEquals(2, rs.getInt(1), "rows in t");
            assertTrue(rs.getBoolean(2), "no table created");
            assertFalse(rs.getBoolean(3), "sequence untouched");
        }
    }
}
