package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.mcp.AfterReply;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.RoundTripProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end of a call — rollback and session reset — runs after the call returned its result: the caller does not
 * wait for it, but its connection is lent again only once the reset answered, closed when the reset failed, and a
 * borrower meanwhile waits for that connection rather than opening another. The reset's answer is held back by a
 * {@link RoundTripProxy} to make it slow.
 */
@Timeout(60)
class AsyncResetTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase
            .withSql("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b')");

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
    private static final ExecutionLimits LIMITS = new ExecutionLimits(100, 1 << 20, QUERY_TIMEOUT, List.of("public"));
    private static final String RESET = "ROLLBACK; SELECT pg_catalog.pg_advisory_unlock_all()";

    private RoundTripProxy proxy;
    private ConnectionPool pool;
    private Database database;
    private ExecutorService others;

    @BeforeEach
    void open() {
        proxy = RoundTripProxy.to(db.get());
        DatabaseConfig config = DatabaseConfig.of("async", ConnectionTarget.parse(proxy.postgresUrl(db.get())));
        // room for a second connection: a borrower could open one, and must not while a reset is pending
        PoolSettings settings = new PoolSettings("async", 0, 2, Duration.ofSeconds(20), Duration.ofMinutes(30),
                Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofMinutes(10));
        pool = new ConnectionPool(settings, new PgConnectionFactory(config, QUERY_TIMEOUT), Ticker.system());
        database = new Database("async", pool, PoolFixture.defaults("async"));
        others = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterEach
    void close() {
        proxy.close(); // lets anything held go first
        database.close();
        others.shutdownNow();
    }

    @Test
    void resultIsReturnedBeforeTheResetIsAnswered() throws Exception {
        long pid = pid();
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        RoundTripProxy.Hold hold = proxy.hold(RESET);

        ResultTable rows = database.query("SELECT name FROM t WHERE id = 2", LIMITS, CancelSignal.NONE);

        assertEquals("b", rows.rows().get(0).get(0));
        assertTrue(hold.awaitHeld(10_000), "the reset was sent after the call returned");
        assertTrue(hold.isHeld(), "and is still unanswered");
        assertEquals(new PoolStats(1, 0, 1, 0, 1), pool.stats(), "the connection is lent to its reset");
        assertFalse(database.awaitIdle(Duration.ofMillis(200)), "not back while the reset is unanswered");

        hold.release();
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(new PoolStats(1, 1, 0, 0), pool.stats());
        assertEquals(pid, pid(), "reset and reused");
    }

    @Test
    void borrowerDuringAPendingResetGetsThatConnectionAfterIt() throws Exception {
        long pid = pid();
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        RoundTripProxy.Hold hold = proxy.hold(RESET);
        database.query("SELECT 1", LIMITS, CancelSignal.NONE);
        assertTrue(hold.awaitHeld(10_000));

        Future<Long> borrower = others.submit(this::pid);
        awaitWaiting(1);
        assertThrows(TimeoutException.class, () -> borrower.get(200, TimeUnit.MILLISECONDS),
                "not lent before its reset answered");
        assertEquals(1, pool.stats().total(), "no second connection opened: " + pool.stats());

        hold.release();
        assertEquals(pid, borrower.get(10, TimeUnit.SECONDS), "the same connection, after its reset");
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(new PoolStats(1, 1, 0, 0), pool.stats());
    }

    @Test
    void failedResetClosesTheConnectionAndTheNextCallGetsAFreshCleanOne() throws Exception {
        long pid = pid();
        Object defaultWorkMem = workMem();
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        RoundTripProxy.Hold hold = proxy.hold(RESET);
        // session state the reset would have removed, and a lock that would outlive a rollback
        database.query("SELECT set_config('work_mem', '7MB', false), pg_advisory_lock(71)", LIMITS,
                CancelSignal.NONE);
        assertTrue(hold.awaitHeld(10_000));
        Future<Long> borrower = others.submit(this::pid);
        awaitWaiting(1);

        try (Connection admin = db.get().connect(); Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        hold.release(); // the reset now meets a closed session

        long next = borrower.get(10, TimeUnit.SECONDS);
        assertNotEquals(pid, next, "the connection whose reset failed is not lent again");
        assertEquals(defaultWorkMem, workMem());
        assertEquals(0L, database.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", LIMITS,
                CancelSignal.NONE).rows().get(0).get(0));
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        assertEquals(new PoolStats(1, 1, 0, 0), pool.stats(), "the failed one no longer counted");
    }

    @Test
    void poolClosedDuringAPendingResetClosesTheConnectionWhenTheResetEnds() throws Exception {
        long pid = pid();
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        RoundTripProxy.Hold hold = proxy.hold(RESET);
        database.query("SELECT 1", LIMITS, CancelSignal.NONE);
        assertTrue(hold.awaitHeld(10_000));
        Future<Long> borrower = others.submit(this::pid);
        awaitWaiting(1);

        pool.close();
        DatabaseException refused = assertThrows(DatabaseException.class, () -> {
            try {
                borrower.get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause();
            }
        }, "the waiting borrower is woken and refused");
        assertEquals("08003", refused.failure().sqlState(), refused.getMessage());
        assertEquals(1, pool.stats().total(), "still resetting: " + pool.stats());

        hold.release();
        assertTrue(pool.awaitIdle(Duration.ofSeconds(10)), "the reset ended");
        assertEquals(new PoolStats(0, 0, 0, 0), pool.stats(), "closed, not kept");
        assertTrue(backendGone(pid), "the server session is gone");
        assertTrue(resetThreadsEnd(), "no reset thread left behind");
    }

    @Test
    void inARequestTheEndRunsOnItsThreadAfterItsAnswer() throws Exception {
        long pid = pid();
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
        proxy.reset();
        AfterReply.Scope request = AfterReply.open();
        List<Runnable> ends;
        try {
            database.query("SELECT name FROM t WHERE id = 1", LIMITS, CancelSignal.NONE);
            assertEquals(new PoolStats(1, 0, 1, 0, 1), pool.stats(), "the connection is lent to its end");
            ends = AfterReply.takePending();
            assertEquals(1, ends.size(), "the end waits for the answer, not for a reset thread");
        } finally {
            request.close();
        }
        assertTrue(proxy.sent().stream().noneMatch(m -> m.contains("ROLLBACK")), "nothing sent yet: " + proxy.sent());
        ends.forEach(Runnable::run); // as the scope would after the answer, on the request's thread
        assertTrue(proxy.sent().stream().anyMatch(m -> m.startsWith("Q " + RESET)), proxy.sent().toString());
        assertEquals(new PoolStats(1, 1, 0, 0), pool.stats(), "back once the end ran");
        assertEquals(pid, pid(), "reset and reused");
    }

    @Test
    void aRequestThatBorrowsAgainHasItsEarlierCallEndedAtOnce() throws Exception {
        // one connection, a short acquire timeout: a request whose second call waited for its first call's end
        // (left for after its answer) would wait until the timeout; the end goes to a reset thread instead
        PoolSettings one = new PoolSettings("async-one", 0, 1, Duration.ofSeconds(2), Duration.ofMinutes(30),
                Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofMinutes(10));
        DatabaseConfig config = DatabaseConfig.of("async-one", ConnectionTarget.parse(proxy.postgresUrl(db.get())));
        try (Database single = new Database("async-one",
                new ConnectionPool(one, new PgConnectionFactory(config, QUERY_TIMEOUT), Ticker.system()),
                PoolFixture.defaults("async-one"))) {
            AfterReply.Scope request = AfterReply.open();
            try {
                // an EXPLAIN and then the query, as a call whose plan is not cached yet
                single.explain("SELECT name FROM t WHERE id = 1", QUERY_TIMEOUT, List.of("public"),
                        java.util.Optional.empty());
                ResultTable rows = single.query("SELECT name FROM t WHERE id = 1", LIMITS, CancelSignal.NONE);
                assertEquals("a", rows.rows().get(0).get(0));
                assertEquals(1, single.poolStats().total(), single.poolStats().toString());
                List<String> sent = proxy.sent();
                assertEquals(1, sent.stream().filter(m -> m.startsWith("Q " + RESET)).count(),
                        "the EXPLAIN's end, sent before the query could have its connection: " + sent);
                List<Runnable> last = AfterReply.takePending();
                assertEquals(1, last.size(), "only the last call's end waits for the answer");
                last.forEach(Runnable::run);
            } finally {
                request.close();
            }
            assertEquals(new PoolStats(1, 1, 0, 0), single.poolStats());
        }
    }

    private long pid() throws DatabaseException {
        return (Long) database.query("SELECT pg_backend_pid()::int8", LIMITS, CancelSignal.NONE).rows().get(0).get(0);
    }

    private Object workMem() throws DatabaseException {
        return database.query("SHOW work_mem", LIMITS, CancelSignal.NONE).rows().get(0).get(0);
    }

    /** Waits until {@code borrowers} wait in the pool. */
    private void awaitWaiting(int borrowers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.stats().waiting() != borrowers) {
            assertTrue(System.nanoTime() < deadline, "borrowers waiting: " + pool.stats());
            Thread.sleep(5);
        }
    }

    private static boolean backendGone(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (Connection admin = db.get().connect(); Statement statement = admin.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = statement
                        .executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return true;
                    }
                }
                Thread.sleep(10);
            }
        }
        return false;
    }

    @Test
    void oneResetThreadServesCleanupsThatComeOneAfterAnother() throws Exception {
        for (int i = 0; i < 5; i++) {
            database.query("SELECT name FROM t WHERE id = 1", LIMITS, CancelSignal.NONE);
            assertTrue(database.awaitIdle(Duration.ofSeconds(10)), "the reset of call " + i + " ended");
            awaitResetThreadsWaitingForWork(); // its thread has given the connection back, and now asks for more
        }
        List<String> resetThreads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("pg-mcp-reset-async-")).toList();
        assertEquals(1, resetThreads.size(), "an idle reset thread takes the next cleanup: " + resetThreads);
    }

    private static void awaitResetThreadsWaitingForWork() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pg-mcp-reset-async-"))
                .anyMatch(t -> t.getState() != Thread.State.TIMED_WAITING)) {
            assertTrue(System.nanoTime() < deadline, "reset threads still busy after 10 s");
            Thread.sleep(1);
        }
    }

    private static boolean resetThreadsEnd() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("pg-mcp-reset-async-"))) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
