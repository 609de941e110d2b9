package io.pgmcp.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgmcp.testing.FakeTicker;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TtlCacheTest {
    final FakeTicker ticker = startTicker();
    private final TtlCache<String, Integer> cache = new TtlCache<>(Duration.ofSeconds(60), 2, ticker);

    @Test
    void entriesLiveForTheirTtl() {
        cache.put("a", 1);
        ticker.advance(Duration.ofSeconds(59));
        assertEquals(Optional.of(1), cache.get("a"));
        ticker.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), cache.get("a"));
        assertEquals(0, cache.size(), "an expired entry is removed when seen");
    }

    @Test
    void theLeastRecentlyUsedEntryGoesWhenFull() {
        cache.put("a", 1);
        cache.put("b", 2);
        cache.get("a");
        cache.put("c", 3);
        assertEquals(Optional.of(1), cache.get("a"));
        assertEquals(Optional.empty(), cache.get("b"));
        assertEquals(Optional.of(3), cache.get("c"));
    }

    @Test
    void rewritingRestartsTheTtl() {
        cache.put("a", 1);
        ticker.advance(Duration.ofSeconds(50));
        cache.put("a", 2);
        ticker.advance(Duration.ofSeconds(50));
        assertEquals(Optional.of(2), cache.get("a"));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TtlCache<>(Duration.ZERO, 1, ticker));
        assertThrows(IllegalArgumentException.class, () -> new TtlCache<>(Duration.ofSeconds(1), 0, ticker));
    }

    /** Where the ticker starts; {@code AcrossTheWrap} subclasses start it just before it overflows. */
    FakeTicker startTicker() {
        return new FakeTicker();
    }
}
