package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.RoundTripProxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How many times a call waits for the server, counted on the wire by a {@link RoundTripProxy}: a query
 * call with the database's own timeout and search path on a warm connection waits twice (the statement,
 * with pgjdbc's BEGIN in front; the rollback and reset), and never sends DISCARD ALL or DEALLOCATE.
 */
@Timeout(60)
class RoundTripTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase
            .withSql("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b')");

    /** The database's query timeout: what its connections have as session defaults. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
    private static final ExecutionLimits DEFAULT_LIMITS = new ExecutionLimits(100, 1 << 20, QUERY_TIMEOUT,
            List.of("public"));

    private static RoundTripProxy proxy;
    private static Database database;

    @BeforeAll
    static void open() {
        proxy = RoundTripProxy.to(db.get());
        DatabaseConfig config = DatabaseConfig.of("trips", ConnectionTarget.parse(proxy.postgresUrl(db.get())));
        // connections never idle long enough to be validated: every call below is on a warm connection
        PoolSettings settings = new PoolSettings("trips", 0, 1, Duration.ofSeconds(10), Duration.ofMinutes(30),
                Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofMinutes(10));
        database = new Database("trips",
                new ConnectionPool(settings, new PgConnectionFactory(config, QUERY_TIMEOUT), Ticker.system()),
                PoolFixture.defaults("trips"));
    }

    @AfterAll
    static void close() {
        database.close();
        proxy.close();
    }

    @BeforeEach
    void warmAndReset() throws Exception {
        database.query("SELECT 1", DEFAULT_LIMITS, CancelSignal.NONE); // the connection is open
        settle();
        proxy.reset();
    }

    @Test
    void warmQueryCallWaitsForTheServerTwice() throws Exception {
        String sql = "SELECT name FROM t WHERE id = 2";
        // pgjdbc looks a table column's metadata up once per connection (one more round trip; then cached)
        database.query(sql, DEFAULT_LIMITS, CancelSignal.NONE);
        report("query, first on a new column");
        proxy.reset();
        for (int call = 1; call <= 3; call++) {
            ResultTable rows = database.query(sql, DEFAULT_LIMITS, CancelSignal.NONE);
            assertEquals("b", rows.rows().get(0).get(0));
            report("query, call " + call);
            assertEquals(2, proxy.roundTrips(), "call " + call + ": " + proxy.sent());
            // BEGIN goes as a simple Query in the statement's round trip (and pgjdbc may close the rows' portal
            // with a Sync of its own in front of the reset): more ReadyForQuery than round trips
            assertTrue(proxy.readyForQuery() >= 3, "call " + call + ": " + proxy.sent());
            List<String> sent = proxy.sent();
            assertEquals("Q BEGIN READ ONLY", sent.get(0), sent.toString());
            assertEquals("P SELECT name FROM t WHERE id = 2", sent.get(1), sent.toString());
            // the transaction is still open: its rollback undoes the rest (RollbackScopeTest)
            assertTrue(sent.get(2).startsWith("Q ROLLBACK; SELECT pg_catalog.pg_advisory_unlock_all()"),
                    "the end, one message, no SET before: " + sent);
            assertEquals(3, sent.size(), sent.toString());
            assertTrue(sent.stream().noneMatch(s -> s.contains("DISCARD ALL") || s.contains("DEALLOCATE")),
                    sent.toString());
            proxy.reset();
        }
    }

    @Test
    void failedStatementStillTakesTwoRoundTrips() throws Exception {
        DatabaseException e = assertThrows(DatabaseException.class,
                () -> database.query("SELECT 1 / 0", DEFAULT_LIMITS, CancelSignal.NONE));
        assertEquals("22012", e.failure().sqlState());
        report("query failing");
        assertEquals(2, proxy.roundTrips(), proxy.sent().toString());
        assertEquals(new PoolStats(1, 1, 0, 0), database.poolStats(), "reset, not evicted");
    }

    @Test
    void callWithItsOwnTimeoutGetsSetLocalInARoundTripOfItsOwn() throws Exception {
        ResultTable rows = database.query("SHOW statement_timeout",
                new ExecutionLimits(100, 1 << 20, Duration.ofMillis(1500), List.of("public")), CancelSignal.NONE);
        assertEquals("1500ms", rows.rows().get(0).get(0));
        report("query, other timeout");
        assertEquals(3, proxy.roundTrips(), proxy.sent().toString());
    }

    @Test
    void explainCarriesItsSetLocalsWithTheStatement() throws Exception {
        database.explain("SELECT name FROM t WHERE id = 2", Duration.ofSeconds(2), List.of("public"));
        report("explain, other timeout");
        assertEquals(2, proxy.roundTrips(), proxy.sent().toString());
        assertTrue(proxy.sent().stream().anyMatch(s -> s.contains("SET LOCAL statement_timeout = 2000")),
                proxy.sent().toString());
        proxy.reset();

        database.explain("SELECT name FROM t WHERE id = 1", QUERY_TIMEOUT, List.of("public"));
        report("explain, default timeout");
        assertEquals(2, proxy.roundTrips(), proxy.sent().toString());
        assertTrue(proxy.sent().stream().noneMatch(s -> s.contains("SET LOCAL")), proxy.sent().toString());
    }

    @Test
    void readsAndGrammarChecksTakeASnapshotFirst() throws Exception {
        database.read(QUERY_TIMEOUT, List.of("public"), session -> {
            session.execute("SELECT 1");
            return null;
        });
        report("read, one statement, default settings");
        assertEquals(3, proxy.roundTrips(), proxy.sent().toString());
        proxy.reset();

        database.read(Duration.ofSeconds(5), List.of("pg_catalog"), session -> {
            session.execute("SELECT 1");
            return null;
        });
        report("read, one statement, other settings (catalog loads, role checks)");
        assertEquals(3, proxy.roundTrips(), proxy.sent().toString());
        proxy.reset();

        assertInstanceOf(GrammarCheck.Accepted.class, database.checkGrammar("SELECT 1", Duration.ofSeconds(2)));
        report("grammar check");
        assertEquals(3, proxy.roundTrips(), proxy.sent().toString());
    }

    /** Waits for the reset the call left running: it is counted with the call. */
    private static void settle() throws InterruptedException {
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)), "the reset ended");
    }

    private static void report(String what) throws InterruptedException {
        settle();
        System.out.println("round trips of a " + what + ": " + proxy.roundTrips() + " (ReadyForQuery "
                + proxy.readyForQuery() + ")");
    }
}
