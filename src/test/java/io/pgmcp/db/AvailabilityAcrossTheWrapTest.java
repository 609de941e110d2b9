package io.pgmcp.db;

import io.pgmcp.testing.FakeTicker;

/**
 * Every {@link AvailabilityTest} case again with the ticker starting one second before {@link Long#MAX_VALUE}:
 * Availability must compare tick differences, never tick readings, to survive the overflow.
 */
class AvailabilityAcrossTheWrapTest extends AvailabilityTest {
    @Override
    FakeTicker startTicker() {
        return FakeTicker.nearOverflow();
    }
}
