package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.RetryConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.Availability;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.db.Database;
import io.pgmcp.mcp.ResourceContents;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.QueryPipeline;
import io.pgmcp.query.Target;
import io.pgmcp.query.Targets;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.resilience.RecordingSleeper;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.FaultProxy;
import io.pgmcp.testing.PostgresDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code databases://list} says which database is unavailable, since when and why, and still counts the others. */
@Timeout(60)
class DatabaseListOutageTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase
            .withSql("CREATE TABLE a (id int); CREATE TABLE b (id int); CREATE VIEW v AS SELECT 1 AS x");

    private static final Instant SINCE = Instant.parse("2026-09-10T11:12:13Z");

    private static Target target(String name, String url, FakeTicker ticker) {
        ServerConfig server = ServerConfig.defaults();
        RetryConfig retry = RetryConfig.databaseDefaults();
        return Targets.create(
                new DatabaseConfig(name, ConnectionTarget.parse(url), 0, 1, AccessPolicyConfig.defaults()),
                server, new CatalogLoader(Clock.systemUTC()), Ticker.system(), new Database.Resilience(
                        Retry.of(name, retry, new Random(1), new RecordingSleeper(ticker), ticker, Retry.Listener.NONE),
                        new Availability(name, Availability.probeBackoff(retry, new Random(1)), ticker,
                                InstantSource.fixed(SINCE)),
                        Database.DEFAULT_NETWORK_MARGIN));
    }

    @Test
    void listsTheDownDatabaseAsUnavailableSinceWhenAndWhy() throws Exception {
        FakeTicker ticker = new FakeTicker();
        try (FaultProxy proxy = FaultProxy.to(db.get())) {
            Target flaky = target("flaky", proxy.postgresUrl(db.get()), ticker);
            Target steady = target("steady", db.get().postgresUrl(), ticker);
            try {
                DatabaseRouter router = new DatabaseRouter(List.of(flaky, steady));
                SchemaResources resources = new SchemaResources(router, Duration.ofSeconds(5));
                flaky.catalog().refresh(Duration.ofSeconds(5));
                steady.catalog().refresh(Duration.ofSeconds(5));
                assertEquals("Available Databases:\n- flaky (2 tables, 1 views)\n- steady (2 tables, 1 views)\n",
                        list(resources));

                proxy.refuse(true);
                proxy.cutAll();
                new QueryPipeline(router, ServerConfig.defaults()).executeSql("SELECT id FROM a", Optional.of("flaky"),
                        null,
                        CancelSignal.NONE, QueryPipeline.Progress.NONE);
                String list = list(resources);
                assertTrue(list.startsWith("Available Databases:\n- flaky (unavailable since 2026-09-10T11:12:13Z: "),
                        list);
                assertTrue(list.endsWith(")\n- steady (2 tables, 1 views)\n"), list);
                assertEquals(3, list.split("\n").length, "one line per database: " + list);

                proxy.refuse(false);
                ticker.advance(Availability.MAX_PROBE_INTERVAL);
                assertTrue(flaky.database().probeIfDue(Duration.ofSeconds(5)));
                assertEquals("Available Databases:\n- flaky (2 tables, 1 views)\n- steady (2 tables, 1 views)\n",
                        list(resources));
            } finally {
                flaky.database().close();
                steady.database().close();
            }
        }
    }

    @Test
    void listsAReachableDatabaseAsLoadingWhileItsSchemaLoads() throws Exception {
        FakeTicker ticker = new FakeTicker();
        try (FaultProxy proxy = FaultProxy.to(db.get())) {
            Target slow = target("slow", proxy.postgresUrl(db.get()), ticker);
            try {
                SchemaResources resources = new SchemaResources(new DatabaseRouter(List.of(slow)),
                        Duration.ofSeconds(30));
                assertEquals(
                        "Available Databases:\n- slow (loading: its schema is being read; read this resource again in a few"
                                + " seconds)\n",
                        list(resources), "before the first load starts");

                proxy.latency(Duration.ofMillis(50)); // each of the load's many round trips now takes 100 ms
                Thread load = Thread.ofVirtual().start(() -> {
                    try {
                        slow.catalog().refresh(Duration.ofSeconds(30));
                    } catch (io.pgmcp.db.DatabaseException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(100);
                String during = list(resources);
                assertTrue(load.isAlive(), "the load is still running");
                assertTrue(during.contains("- slow (loading: "), during);
                assertFalse(during.contains("unavailable"), during);

                load.join(Duration.ofSeconds(30));
                assertEquals("Available Databases:\n- slow (2 tables, 1 views)\n", list(resources));
            } finally {
                slow.database().close();
            }
        }
    }

    @Test
    void listsADatabaseAsUnavailableOnlyAfterItsConnectionFailed() throws Exception {
        FakeTicker ticker = new FakeTicker();
        try (FaultProxy proxy = FaultProxy.to(db.get())) {
            proxy.refuse(true);
            Target unreachable = target("unreachable", proxy.postgresUrl(db.get()), ticker);
            Target rejected = target("rejected", db.get().postgresUrl("no_such_login_role", "wrong"), ticker);
            try {
                SchemaResources resources = new SchemaResources(new DatabaseRouter(List.of(unreachable, rejected)),
                        Duration.ofSeconds(5));
                assertThrows(io.pgmcp.db.DatabaseException.class,
                        () -> unreachable.catalog().refresh(Duration.ofSeconds(5)));
                assertThrows(io.pgmcp.db.DatabaseException.class,
                        () -> rejected.catalog().refresh(Duration.ofSeconds(5)));

                String list = list(resources);
                assertTrue(list.contains("- unreachable (unavailable since 2026-09-10T11:12:13Z: "), list);
                assertTrue(list.contains("- rejected (unavailable: its schema could not be loaded: "), list);
                assertTrue(list.contains("no_such_login_role"), "the login failure says why: " + list);
                assertFalse(list.contains("loading"), list);
            } finally {
                unreachable.database().close();
                rejected.database().close();
            }
        }
    }

    private static String list(SchemaResources resources) throws Exception {
        return resources.read("databases://list", new TestContext()).map(ResourceContents::text).orElseThrow();
    }
}
