package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.TestDatabase;
import io.pgmcp.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    private static long pid(Database database) throws SQLException {
        return database.query("SELECT pg_backend_pid()", PoolFixture.limits(1, 1 << 20, TIMEOUT), CancelSignal.NONE)
                .rows().get(0).get(0).asLong();
    }

    @Test
    void poolRecoversAfterTheServerRestarts() throws SQLException {
        // validation only after an hour idle: the restart is found by the call itself, not by the pool
        PoolSettings settings = new PoolSettings("restart", 0, 3, TIMEOUT, Duration.ofMinutes(30), Duration.ofHours(1),
                Duration.ofSeconds(2), Duration.ofMinutes(10));
        try (Database database = PoolFixture.database(db, settings, Ticker.system())) {
            long before = pid(database);
            cluster.restart();

            List<String> outcomes = new ArrayList<>();
            try {
                outcomes.add("ok " + pid(database));
            } catch (SQLException e) {
                SqlFailure failure = SqlFailure.of(e, false);
                assertEquals(SqlFailure.Kind.CONNECTION, failure.kind(), failure.toString());
                outcomes.add("failed " + failure.sqlState());
                assertEquals(0, database.poolStats().total(), "the broken connection was evicted: " + database.poolStats());
            }
            long after = pid(database);
            System.err.println("ConnectionLossTest: first call after the restart: " + outcomes);
            assertNotEquals(before, after, "a new backend after " + outcomes);
            assertEquals(new PoolStats(1, 1, 0, 0), database.poolStats());
        }
    }

    @Test
    void idleConnectionsAreValidatedAfterARestart() throws SQLException {
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
