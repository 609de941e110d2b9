package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two loads of a catalog can finish in one order and be swapped in in the other (the background load and
 * a call's own, at start-up): the holder keeps the later load, so the catalog it holds only moves forward.
 * The guard's kept verdicts rely on it: they take a catalog older than the one they hold for a replaced one.
 */
class CatalogHolderOrderTest {
    private static Catalog loadedAt(Instant at) {
        return new Catalog("db", at, List.of("public"), List.of(), List.of(), java.util.Set.of());
    }

    @Test
    void theLaterLoadIsHeldWhicheverIsSwappedInLast() {
        Catalog earlier = loadedAt(Instant.parse("2026-01-01T00:00:00Z"));
        Catalog later = loadedAt(Instant.parse("2026-01-01T00:00:01Z"));
        assertSame(later, CatalogHolder.newer(earlier, later));
        assertSame(later, CatalogHolder.newer(later, earlier), "an earlier load swapped in last does not win");
        assertSame(earlier, CatalogHolder.newer(null, earlier));
    }

    @Test
    void aLoadOfTheSameMomentReplacesTheHeldOne() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        Catalog first = loadedAt(at);
        Catalog second = loadedAt(at);
        assertSame(second, CatalogHolder.newer(first, second));
    }
}
