package io.pgmcp.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker tests advance by hand. */
public final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
        return nanos.get();
    }

    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
