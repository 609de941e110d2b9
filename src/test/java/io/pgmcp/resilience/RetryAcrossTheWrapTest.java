package io.pgmcp.resilience;

import io.pgmcp.testing.FakeTicker;

/**
 * Every {@link RetryTest} case again with the ticker starting one second before {@link Long#MAX_VALUE}:
 * Retry must compare tick differences, never tick readings, to survive the overflow.
 */
class RetryAcrossTheWrapTest extends RetryTest {
    @Override
    FakeTicker startTicker() {
        return FakeTicker.nearOverflow();
    }
}
