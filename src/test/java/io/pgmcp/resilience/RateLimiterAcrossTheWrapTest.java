package io.pgmcp.resilience;

import io.pgmcp.testing.FakeTicker;

/**
 * Every {@link RateLimiterTest} case again with the ticker starting one second before {@link Long#MAX_VALUE}:
 * RateLimiter must compare tick differences, never tick readings, to survive the overflow.
 */
class RateLimiterAcrossTheWrapTest extends RateLimiterTest {
    @Override
    FakeTicker startTicker() {
        return FakeTicker.nearOverflow();
    }
}
