package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.testing.FaultProxy;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.resilience.Ticker;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A network that swallows every byte (a stalled link, a dead NAT entry): connecting and calling fail
 * within their bounds instead of waiting for the long socket timeout, and leave nothing behind.
 */
@Timeout(60)
class BlackholeTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int PRIMARY KEY)");

    private FaultProxy proxy;

    @BeforeEach
    void start() {
        proxy = FaultProxy.to(db.get());
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    private DatabaseConfig config() {
        return DatabaseConfig.of("main", ConnectionTarget.parse(proxy.postgresUrl(db.get())));
    }

    /** A pool that never validates idle connections, so a call meets the stalled one itself. */
    private Database database(Duration networkMargin) {
        PoolSettings settings = new PoolSettings("stall", 0, 2, Duration.ofSeconds(5), Duration.ofMinutes(30),
                Duration.ofHours(1),
                Duration.ofSeconds(1), Duration.ofMinutes(10));
        ConnectionPool pool = new ConnectionPool(settings,
                new PgConnectionFactory(config(), Duration.ofSeconds(30), Duration.ofSeconds(1)), Ticker.system());
        return new Database("stall", pool, PoolFixture.defaults("stall").withNetworkMargin(networkMargin));
    }

    @Test
    @Timeout(20)
    void callOnAStalledConnectionFailsSoonAfterItsStatementTimeout() throws Exception {
        ExecutionLimits limits = PoolFixture.limits(10, 1 << 20, Duration.ofMillis(500));
        try (Database database = database(Duration.ofSeconds(1))) {
            assertEquals(1, database.query("SELECT 1", limits, CancelSignal.NONE).rows().size());
            proxy.blackhole(true);
            long start = System.nanoTime();
            DatabaseException e = assertThrows(DatabaseException.class,
                    () -> database.query("SELECT 1", limits, CancelSignal.NONE));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(SqlFailure.Kind.CONNECTION, SqlFailure.of(e, false).kind(), e.toString());
            // statement timeout 0.5 s + margin 1 s; it used to wait for the socket timeout, query_timeout + 30 s
            assertTrue(millis >= 1_400 && millis < 4_000, "failed after " + millis + " ms");
            assertEquals(new PoolStats(0, 0, 0, 0), database.poolStats(), "the stalled connection was closed");
        }
    }

    @Test
    void blackholedConnectAttemptLeavesNoConnectionBehind() throws InterruptedException {
        PgConnectionFactory factory = new PgConnectionFactory(config(), Duration.ofSeconds(30), Duration.ofSeconds(1));
        proxy.blackhole(true);
        long start = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, factory::open);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(SqlFailure.isConnectionClass(e), e.toString());
        // sslmode=prefer reads the login twice (with and without SSL), each bounded by the connect timeout
        assertTrue(millis < 5_000, "open gave up after " + millis + " ms");
        // pgjdbc's loginTimeout ran the login on a thread of its own and abandoned it on timeout: that
        // thread kept its socket (and itself) blocked until the socket timeout, a minute later
        assertTrue(proxy.awaitNoThreads(Duration.ofSeconds(2)), "a connection attempt outlived open(): " + proxy);
        assertEquals(0, proxy.openConnections());
    }
}
