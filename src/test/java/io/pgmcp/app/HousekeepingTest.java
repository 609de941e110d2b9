package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.db.Availability;
import io.pgmcp.catalog.CatalogHolder;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.db.ConnectionPool;
import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseDownException;
import io.pgmcp.db.PgConnectionFactory;
import io.pgmcp.db.PoolSettings;
import io.pgmcp.resilience.ExponentialBackoff;
import io.pgmcp.resilience.FixedBackoff;
import io.pgmcp.resilience.RecordingSleeper;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.FaultProxy;
import io.pgmcp.testing.PostgresDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The recovery probes Housekeeping runs for databases that are down, on a fake ticker. */
@Timeout(60)
class HousekeepingTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int)");

    @Test
    void aProbeBringsBackADatabaseThatWasDownAtStartAndLoadsItsCatalog() throws Exception {
        FakeTicker ticker = new FakeTicker();
        try (FaultProxy proxy = FaultProxy.to(db.get())) {
            DatabaseConfig config = DatabaseConfig.of("late", ConnectionTarget.parse(proxy.postgresUrl(db.get())));
            ConnectionPool pool = new ConnectionPool(PoolSettings.of("late", 0, 2),
                    new PgConnectionFactory(config, Duration.ofSeconds(5), Duration.ofSeconds(1)), Ticker.system());
            Database.Resilience resilience = new Database.Resilience(
                    new Retry("late", 2, new FixedBackoff(Duration.ofMillis(500)), new RecordingSleeper(ticker), ticker,
                            Retry.Listener.NONE),
                    new Availability("late",
                            new ExponentialBackoff(Duration.ofMillis(500), Availability.MAX_PROBE_INTERVAL, 2.0, 0.0,
                                    new Random()),
                            ticker, Clock.systemUTC()),
                    Duration.ofSeconds(1));
            Database database = new Database("late", pool, resilience);
            CatalogHolder catalog = new CatalogHolder(database, new CatalogLoader(Clock.systemUTC()), Set.of(),
                    Clock.systemUTC());
            try (database;
                    Housekeeping housekeeping = new Housekeeping(List.of(new Housekeeping.Duty(catalog, pool)),
                            Duration.ZERO, Duration.ofSeconds(5))) {
                proxy.refuse(true);
                assertThrows(DatabaseDownException.class, () -> catalog.refresh(Duration.ofSeconds(5)));

                housekeeping.probe(catalog);
                assertFalse(database.availability().isUp(), "no probe before it is due");
                ticker.advance(Duration.ofMillis(500));
                housekeeping.probe(catalog);
                assertFalse(database.availability().isUp(), "the database still refuses");
                assertTrue(catalog.current().isEmpty());

                proxy.refuse(false);
                ticker.advance(Duration.ofSeconds(1));
                assertTrue(database.availability().probeDue());
                housekeeping.startDueProbes(); // on a virtual thread of its own, as the timer does
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (catalog.current().isEmpty() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertTrue(database.availability().isUp());
                assertTrue(catalog.current().orElseThrow().table("public", "t").isPresent(),
                        "catalog loaded after the recovery");
                assertEquals(1, database.availability().outages());
            }
        }
    }

    /**
     * A process told to stop right after it started (a client's short-lived probe process, a rolling
     * deploy) must not wait for its first schema query: the databases' close waited for that query's
     * connection, which made such a process take up to a second longer to exit.
     */
    @Test
    void closeDoesNotWaitForACatalogLoadUnderWay() throws Exception {
        try (FaultProxy proxy = FaultProxy.to(db.get())) {
            DatabaseConfig config = DatabaseConfig.of("slow", ConnectionTarget.parse(proxy.postgresUrl(db.get())));
            ConnectionPool pool = new ConnectionPool(PoolSettings.of("slow", 0, 2),
                    new PgConnectionFactory(config, Duration.ofSeconds(30), Duration.ofSeconds(30)), Ticker.system());
            Database.Resilience resilience = Database.Resilience.of("slow",
                    io.pgmcp.config.RetryConfig.databaseDefaults(),
                    new Random(), io.pgmcp.resilience.Sleeper.system(), Ticker.system(), Clock.systemUTC());
            Database database = new Database("slow", pool, resilience);
            CatalogHolder catalog = new CatalogHolder(database, new CatalogLoader(Clock.systemUTC()), Set.of(),
                    Clock.systemUTC());
            Housekeeping housekeeping = new Housekeeping(List.of(new Housekeeping.Duty(catalog, pool)), Duration.ZERO,
                    Duration.ofSeconds(30));
            proxy.latency(Duration.ofSeconds(2)); // every round trip of the load now takes seconds
            housekeeping.start();
            Thread.sleep(500); // the first load is under way
            long started = System.nanoTime();
            housekeeping.close();
            database.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "closing took " + took.toMillis() + " ms");
            assertTrue(catalog.current().isEmpty(), "the load was stopped, not finished");
        }
    }
}
