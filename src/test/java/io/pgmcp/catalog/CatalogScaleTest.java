package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.PoolFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A catalog of a thousand tables loads in one pass; the time is printed (scripts/bench measures it), not asserted. */
class CatalogScaleTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(
            """
                    DO $$
                    BEGIN
                        FOR i IN 1..1000 LOOP
                            EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now())', i);
                            EXECUTE format('COMMENT ON TABLE t%s IS %L', i, 'table number ' || i);
                        END LOOP;
                    END $$;
                    """);

    @Test
    void loadsAThousandTables() throws DatabaseException {
        try (Database database = PoolFixture.database(db.get(),
                PoolFixture.settings("scale", 0, 1, Duration.ofSeconds(10)),
                Ticker.system())) {
            CatalogHolder holder = new CatalogHolder(database, new CatalogLoader(Clock.systemUTC()), Set.of(),
                    Clock.systemUTC());
            holder.refresh(Duration.ofSeconds(30)); // warm: the connection and the server's caches
            long started = System.nanoTime();
            Catalog catalog = holder.refresh(Duration.ofSeconds(30));
            long micros = (System.nanoTime() - started) / 1_000;
            System.err.printf("CatalogScaleTest: catalog of %d tables loaded in %.1f ms%n", catalog.size(),
                    micros / 1000.0);
            assertEquals(1000, catalog.size());
            TableInfo last = catalog.table("public", "t1000").orElseThrow();
            assertEquals(3, last.columns().size());
            assertEquals(1, last.indexes().size());
        }
    }
}
