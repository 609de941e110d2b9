package io.pgmcp.db;

import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Latency of sequential {@link Database#query} calls of an indexed lookup on one warm pooled connection,
 * beside the same query on one raw pgjdbc connection in autocommit: what the read-only discipline costs.
 * Not part of the suite (no {@code Test} in the name); run it with
 * {@code ./mvnw -B -q -o test -Dtest=QueryCallBench -Dformat.skip=true -Djacoco.skip=true} and read stdout.
 * {@code -Dbench.calls=N} sets the measured calls (default 5000, after as many warm-up calls).
 */
class QueryCallBench {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10, 2) NOT NULL);
            INSERT INTO items SELECT g, 'item ' || g, g % 1000 FROM generate_series(1, 10000) g;
            ANALYZE items;
            """);

    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30); // the pool's session default

    @Test
    void queryCallLatency() throws Exception {
        int calls = Integer.getInteger("bench.calls", 5000);
        ExecutionLimits limits = new ExecutionLimits(100, 1 << 20, QUERY_TIMEOUT, List.of("public"));
        try (Database database = new Database("bench",
                new ConnectionPool(PoolSettings.of("bench", 1, 1), PoolFixture.factory(db.get()), Ticker.system()),
                PoolFixture.defaults("bench")); Connection raw = db.get().connect()) {
            long[] pgMcp = new long[calls];
            long[] jdbc = new long[calls];
            for (int round = 0; round < 2; round++) { // the first round warms up
                for (int i = 0; i < calls; i++) {
                    String sql = "SELECT id, name, price FROM items WHERE id = 4242";
                    long start = System.nanoTime();
                    database.query(sql, limits, CancelSignal.NONE);
                    pgMcp[i] = System.nanoTime() - start;
                    start = System.nanoTime();
                    try (Statement statement = raw.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                        while (rs.next()) {
                            rs.getString(2);
                        }
                    }
                    jdbc[i] = System.nanoTime() - start;
                }
            }
            System.out.println("QueryCallBench, " + calls + " sequential calls: Database.query " + summary(pgMcp)
                    + "; raw pgjdbc " + summary(jdbc));
        }
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("p50 %.3f ms, p90 %.3f ms, p99 %.3f ms", sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.9)] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6);
    }
}
