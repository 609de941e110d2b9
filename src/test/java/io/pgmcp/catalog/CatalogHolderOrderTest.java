package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.pgmcp.db.Database;
import io.pgmcp.db.PoolFixture;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two loads of a catalog can finish in one order and be swapped in in the other (the background load and
 * a call's own, at start-up): the holder keeps the later load, so the catalog it holds only moves forward.
 * The guard's kept verdicts rely on it: they take a catalog older than the one they hold for a replaced one.
 */
class CatalogHolderOrderTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int PRIMARY KEY)");

    private static final Instant EARLIER = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant LATER = Instant.parse("2026-01-01T00:00:01Z");

    private static Catalog loadedAt(Instant at) {
        return new Catalog("db", at, List.of("public"), List.of(), List.of(), Set.of());
    }

    @Test
    void aLoadThatFinishedEarlierButIsSwappedInLastDoesNotReplaceTheLaterOne() throws Exception {
        // the loader stamps each catalog when its load finishes: the first refresh here stands for the load that
        // finished later, the second for the one that finished earlier but came to be swapped in last
        Deque<Instant> stamps = new ArrayDeque<>(List.of(LATER, EARLIER));
        InstantSource finishedAt = () -> stamps.isEmpty() ? LATER : stamps.removeFirst();
        try (Database database = PoolFixture.database(db.get(), PoolFixture.settings("order", 0, 1,
                Duration.ofSeconds(10)), Ticker.system())) {
            CatalogHolder holder = new CatalogHolder(database, new CatalogLoader(finishedAt), Set.of(),
                    InstantSource.fixed(EARLIER));
            Catalog later = holder.refresh(Duration.ofSeconds(10));
            Catalog returned = holder.refresh(Duration.ofSeconds(10));
            assertSame(later, holder.current().orElseThrow(), "the later load stays held");
            assertSame(later, returned, "refresh answers the catalog held");
        }
    }

    @Test
    void theLaterLoadIsChosenWhicheverComesSecond() {
        Catalog earlier = loadedAt(EARLIER);
        Catalog later = loadedAt(LATER);
        assertSame(later, CatalogHolder.newer(earlier, later));
        assertSame(later, CatalogHolder.newer(later, earlier));
        assertSame(earlier, CatalogHolder.newer(null, earlier));
        Catalog sameMoment = loadedAt(LATER);
        assertSame(sameMoment, CatalogHolder.newer(later, sameMoment), "a load of the same moment replaces");
    }
}
