package io.pgmcp.resilience;

import io.pgmcp.testing.FakeTicker;

/**
 * Every {@link TtlCacheTest} case again with the ticker starting one second before {@link Long#MAX_VALUE}:
 * TtlCache must compare tick differences, never tick readings, to survive the overflow.
 */
class TtlCacheAcrossTheWrapTest extends TtlCacheTest {
    @Override
    FakeTicker startTicker() {
        return FakeTicker.nearOverflow();
    }
}
