package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.resilience.FixedBackoff;
import io.pgmcp.resilience.RecordingSleeper;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.BoundedCall;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.TestDatabase;
import io.pgmcp.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server restarts under a live pool: calls fail as CONNECTION (or succeed) and the pool recovers by itself. */
class ConnectionLossTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static TestPostgres cluster;
    private static TestDatabase db;

    @BeforeAll
    static void start() {
        cluster = TestPostgres.startIsolated();
        db = cluster.createDatabase("ConnectionLossTest");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static long pid(Database database) throws Exception {
        return ((Number) database
                .query("SELECT pg_backend_pid()", PoolFixture.limits(1, 1 << 20, TIMEOUT), CancelSignal.NONE)
                .rows().get(0).get(0)).longValue();
    }

    @Test
    void poolRecoversAfterTheServerRestarts() throws Exception {
        // validation only after an hour idle: the restart is found by the call itself, not by the pool
        PoolSettings settings = new PoolSettings("restart", 0, 3, TIMEOUT, Duration.ofMinutes(30), Duration.ofHours(1),
                Duration.ofSeconds(2), Duration.ofMinutes(10));
        try (Database database = PoolFixture.database(db, settings, Ticker.system())) {
            long before = pid(database);
            cluster.restart();

            List<String> outcomes = new ArrayList<>();
            try {
                outcomes.add("ok " + pid(database));
            } catch (DatabaseException e) {
                SqlFailure failure = SqlFailure.of(e, false);
                assertEquals(SqlFailure.Kind.CONNECTION, failure.kind(), failure.toString());
                outcomes.add("failed " + failure.sqlState());
                assertEquals(0, database.poolStats().total(),
                        "the broken connection was evicted: " + database.poolStats());
            }
            long after = pid(database);
            System.err.println("ConnectionLossTest: first call after the restart: " + outcomes);
            assertNotEquals(before, after, "a new backend after " + outcomes);
            assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(new PoolStats(1, 1, 0, 0), database.poolStats());
        }
    }

    @Test
    @Timeout(60)
    void callsDuringARestartFailFastAndTheFirstCallAfterTheProbeWorks() throws Exception {
        FakeTicker ticker = new FakeTicker();
        Instant since = Instant.parse("2026-05-06T07:08:09Z");
        PoolSettings settings = new PoolSettings("restarting", 0, 3, TIMEOUT, Duration.ofMinutes(30),
                Duration.ofHours(1),
                Duration.ofSeconds(2), Duration.ofMinutes(10));
        Database.Resilience resilience = new Database.Resilience(
                new Retry("database 'restarting'", 2, new FixedBackoff(Duration.ofMillis(500)),
                        new RecordingSleeper(ticker), ticker,
                        Retry.Listener.NONE),
                new Availability("restarting", new FixedBackoff(Duration.ofSeconds(1)), ticker,
                        InstantSource.fixed(since)),
                Duration.ofSeconds(2));
        try (Database database = PoolFixture.database(db, settings, Ticker.system()).withResilience(resilience)) {
            long before = pid(database);
            BoundedCall.Running<Object> restart = BoundedCall.start("cluster-restart", () -> {
                cluster.restart();
                return null;
            });
            int succeeded = 0;
            int failedFast = 0;
            while (!restart.isDone()) {
                BoundedCall.Outcome<Long> outcome = BoundedCall.run("call-during-restart", Duration.ofSeconds(15),
                        () -> pid(database));
                if (outcome.succeeded()) {
                    succeeded++;
                    continue;
                }
                DatabaseDownException down = outcome.failure(DatabaseDownException.class);
                assertEquals("restarting", down.database());
                assertEquals(since, down.down().since());
                assertTrue(
                        down.getMessage().startsWith("database 'restarting' is unavailable since 2026-05-06T07:08:09Z"),
                        down.getMessage());
                failedFast++;
            }
            restart.await(Duration.ofSeconds(1)).value();
            System.err
                    .println("ConnectionLossTest: during the restart " + succeeded + " call(s) succeeded, " + failedFast
                            + " failed as unavailable; " + database.health());
            assertTrue(failedFast > 0, "the restart was seen");
            assertInstanceOf(Availability.Down.class, database.health(), "down until a probe says otherwise");

            ticker.advance(Duration.ofSeconds(1));
            assertTrue(database.probeIfDue(Duration.ofSeconds(5)), "the probe reaches the restarted server");
            assertNotEquals(before, pid(database), "the first call after the probe works, on a new backend");
            assertTrue(database.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(new PoolStats(1, 1, 0, 0), database.poolStats());
        }
    }

    @Test
    void idleConnectionsAreValidatedAfterARestart() throws Exception {
        // validate every idle connection before lending: no call sees the dead ones
        PoolSettings settings = new PoolSettings("validated", 0, 3, TIMEOUT, Duration.ofMinutes(30), Duration.ZERO,
                Duration.ofSeconds(2), Duration.ofMinutes(10));
        try (Database database = PoolFixture.database(db, settings, Ticker.system())) {
            long before = pid(database);
            cluster.restart();
            long after = pid(database);
            assertNotEquals(before, after);
            assertTrue(database.poolStats().total() <= 1, database.poolStats().toString());
        }
    }
}
