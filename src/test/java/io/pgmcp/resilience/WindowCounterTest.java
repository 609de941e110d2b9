package io.pgmcp.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowCounterTest {
    private static final long SECOND = 1_000_000_000L;
    private final WindowCounter window = new WindowCounter(LimitType.REQUESTS_PER_MINUTE, 3);

    @Test
    void theWindowOpensAtTheFirstChargeAndClosesExactlyOneLengthLater() {
        long start = 5 * SECOND;
        assertFalse(window.isOpen(start));
        window.charge(3, start);
        assertFalse(window.admits(1, start + 60 * SECOND - 1));
        assertEquals(1, window.untilReset(start + 60 * SECOND - 1));
        assertTrue(window.admits(1, start + 60 * SECOND));
        assertFalse(window.isOpen(start + 60 * SECOND));
        assertEquals(3, window.remaining(start + 60 * SECOND));
    }

    @Test
    void checkingDoesNotOpenAWindow() {
        assertTrue(window.admits(1, 0));
        window.charge(1, 30 * SECOND);
        assertEquals(90 * SECOND, window.resetAt(), "the window starts at the charge, not at the check");
    }

    @Test
    void anAmountLargerThanTheLimitFitsOnlyAnEmptyWindow() {
        assertTrue(window.admits(10, 0));
        window.charge(1, 0);
        assertFalse(window.admits(10, 0));
        assertTrue(window.admits(2, 0));
        assertFalse(window.admits(3, 0));
    }

    @Test
    void refundsNeverGoBelowZeroAndChargesMayPassTheLimit() {
        window.charge(2, 0);
        window.refund(5, 0);
        assertEquals(3, window.remaining(0));
        window.charge(7, 0);
        assertEquals(0, window.remaining(0));
        assertFalse(window.admits(0, 0), "a window over its limit admits nothing");
    }
}
