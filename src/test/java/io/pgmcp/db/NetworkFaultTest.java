package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.resilience.ExponentialBackoff;
import io.pgmcp.resilience.FixedBackoff;
import io.pgmcp.resilience.RecordingSleeper;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.BoundedCall;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.FaultProxy;
import io.pgmcp.testing.PostgresDatabase;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network faults between pg-mcp and PostgreSQL, injected by a {@link FaultProxy}: calls meanwhile fail
 * with a connection failure within a bounded time (or succeed after a retry), the database comes back
 * through its probe without rebuilding anything, and no connection or thread is left behind.
 * Retry waits and the probe schedule run on a fake ticker: nothing here sleeps for them.
 */
@Timeout(60)
class NetworkFaultTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase
            .withSql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)");

    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
    private static final ExecutionLimits LIMITS = PoolFixture.limits(100, 1 << 20, Duration.ofMillis(500));
    /** Slow enough to be cut while it runs; allowed a long statement timeout. */
    private static final String SLOW = "SELECT 42 AS answer FROM pg_sleep(1)";
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final FakeTicker ticker = new FakeTicker();
    private final RecordingSleeper sleeper = new RecordingSleeper(ticker);
    private FaultProxy proxy;
    private Retry retry;
    private Database database;

    @BeforeEach
    void start() {
        proxy = FaultProxy.to(db.get());
        DatabaseConfig config = DatabaseConfig.of("faults", ConnectionTarget.parse(proxy.postgresUrl(db.get())));
        // never validate idle connections: the calls themselves meet the broken ones
        PoolSettings settings = new PoolSettings("faults", 0, 3, Duration.ofSeconds(5), Duration.ofMinutes(30),
                Duration.ofHours(1),
                Duration.ofSeconds(1), Duration.ofMinutes(10));
        ConnectionPool pool = new ConnectionPool(settings,
                new PgConnectionFactory(config, Duration.ofSeconds(30), Duration.ofSeconds(1)), Ticker.system());
        retry = new Retry("database 'faults'", 2, new FixedBackoff(Duration.ofMillis(500)), sleeper, ticker,
                Retry.Listener.NONE);
        Availability availability = new Availability("faults",
                new ExponentialBackoff(Duration.ofMillis(500), Availability.MAX_PROBE_INTERVAL, 2.0, 0.0, new Random()),
                ticker,
                InstantSource.fixed(NOW));
        database = new Database("faults", pool, new Database.Resilience(retry, availability, Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() throws InterruptedException {
        database.close();
        proxy.close();
        assertEquals(0, proxy.threads(), "proxy threads left: " + proxy);
    }

    private BoundedCall.Outcome<ResultTable> call(String sql, ExecutionLimits limits) throws InterruptedException {
        return BoundedCall.run("fault-call", BOUND, () -> database.query(sql, limits, CancelSignal.NONE));
    }

    /** A call answers; its connection is then idle in the pool (its reset, which ends after the call, is over). */
    private void assertAnswers() throws InterruptedException {
        assertEquals(2, call("SELECT id FROM t ORDER BY id", LIMITS).value().rows().size());
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)), "the call's reset ended: " + database.poolStats());
    }

    private void assertBaseline() throws InterruptedException {
        assertTrue(database.awaitIdle(Duration.ofSeconds(10)), "the last reset ended: " + database.poolStats());
        PoolStats stats = database.poolStats();
        assertEquals(0, stats.active(), "no connection left lent: " + stats);
        assertEquals(0, stats.waiting(), stats.toString());
        assertEquals(stats.total(), stats.idle(), stats.toString());
        assertTrue(stats.total() <= 1, "only the connection the last call used: " + stats);
    }

    /** Waits (bounded) until the slow query runs on the server. */
    private static void awaitRunning(String sql) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        try (Connection admin = db.get().connect();
                PreparedStatement active = admin.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query = ?")) {
            active.setString(1, sql);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = active.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("the query never started: " + sql);
    }

    @Test
    void cutMidQueryCostsOneRetryNotAnError() throws Exception {
        assertAnswers();
        ExecutionLimits slow = PoolFixture.limits(10, 1 << 20, Duration.ofSeconds(5));
        BoundedCall.Running<ResultTable> running = BoundedCall.start("fault-call-slow",
                () -> database.query(SLOW, slow, CancelSignal.NONE));
        awaitRunning(SLOW);
        proxy.cutAll();

        BoundedCall.Outcome<ResultTable> outcome = running.await(BOUND);
        assertEquals(42, ((Number) outcome.value().rows().get(0).get(0)).intValue(),
                "the call ran again on a new connection");
        assertEquals(List.of(Duration.ofMillis(500)), sleeper.waits(), "one retry, after the configured delay");
        assertEquals(1, retry.retries());
        assertTrue(database.availability().isUp(), "one dropped connection does not take the database down");
        assertBaseline();
    }

    @Test
    void unreachableDatabaseFailsFastUntilAProbeReachesIt() throws Exception {
        assertAnswers();
        proxy.refuse(true);
        proxy.cutAll();

        DatabaseDownException down = call("SELECT id FROM t", LIMITS).failure(DatabaseDownException.class);
        assertEquals("faults", down.database());
        assertEquals(NOW, down.down().since());
        assertEquals("08001", down.down().lastError().sqlState(), "no connection could be opened: " + down.down());
        assertEquals(List.of(Duration.ofMillis(500)), sleeper.waits(),
                "the broken connection cost a retry, then the open failed");

        long accepted = proxy.acceptedConnections();
        BoundedCall.Outcome<ResultTable> meanwhile = call("SELECT id FROM t", LIMITS);
        assertEquals("08001", meanwhile.failure(DatabaseDownException.class).failure().sqlState());
        assertEquals(accepted, proxy.acceptedConnections(),
                "a call to a database that is down does not even try to connect");
        assertEquals(1, sleeper.waits().size(), "nor wait out retries");

        assertFalse(database.probeIfDue(Duration.ofSeconds(5)), "no probe before it is due");
        assertEquals(accepted, proxy.acceptedConnections());
        proxy.refuse(false);
        ticker.advance(down.down().nextProbeIn());
        assertTrue(database.probeIfDue(Duration.ofSeconds(5)), "the probe reaches the healed database");
        assertAnswers();
        assertBaseline();
    }

    @Test
    void stalledLinkFailsWithinItsBoundAndTheProbeBringsItBack() throws Exception {
        assertAnswers();
        proxy.blackhole(true);

        BoundedCall.Outcome<ResultTable> stalled = call("SELECT id FROM t", LIMITS);
        DatabaseDownException down = stalled.failure(DatabaseDownException.class);
        assertInstanceOf(SocketTimeoutException.class, rootCause(down), down.toString());
        long millis = stalled.took().toMillis();
        assertTrue(millis >= 1_400 && millis < 5_000, "statement timeout 0.5 s + margin 1 s, took " + millis + " ms");
        assertTrue(sleeper.waits().isEmpty(), "a stall is a timeout: not retried");

        long accepted = proxy.acceptedConnections();
        call("SELECT id FROM t", LIMITS).failure(DatabaseDownException.class);
        assertEquals(accepted, proxy.acceptedConnections(), "fails at once while down");

        ticker.advance(Duration.ofSeconds(1));
        BoundedCall.Outcome<Boolean> probe = BoundedCall.run("fault-probe", BOUND,
                () -> database.probeIfDue(Duration.ofSeconds(5)));
        assertFalse(probe.value(), "the probe cannot log in through the blackhole");
        assertTrue(probe.took().toMillis() < 5_000,
                "bounded by the connect timeout (twice, with and without SSL): " + probe.took());

        proxy.blackhole(false);
        ticker.advance(Availability.MAX_PROBE_INTERVAL);
        assertTrue(database.probeIfDue(Duration.ofSeconds(5)));
        assertAnswers();
        assertBaseline();
    }

    @Test
    void latencySlowsCallsDownButTheySucceed() throws Exception {
        assertAnswers();
        proxy.latency(Duration.ofMillis(50));
        BoundedCall.Outcome<ResultTable> slow = call("SELECT id FROM t ORDER BY id", PoolFixture.limits(100, 1 << 20,
                Duration.ofSeconds(5)));
        assertEquals(2, slow.value().rows().size());
        // set-up, query, rollback and reset: several round trips of 2 x 50 ms each
        assertTrue(slow.took().toMillis() >= 200, "took " + slow.took().toMillis() + " ms");
        assertTrue(database.availability().isUp());
        proxy.latency(Duration.ZERO);
        assertAnswers();
        assertBaseline();
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
