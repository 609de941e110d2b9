package io.pgmcp.testing;

import io.pgmcp.resilience.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The test clock: a {@link Ticker} that stands still until a test advances it, so timed code is tested
 * without sleeping. Like {@link System#nanoTime()} it may start anywhere and overflows silently:
 * {@link #nearOverflow()} starts just below {@link Long#MAX_VALUE} so that a test can check that the code
 * under test compares differences ({@code now - start > timeout}), never readings ({@code now > deadline}).
 * Thread-safe.
 */
public final class FakeTicker implements Ticker {
    private final AtomicLong nanos;

    /** Starts at one second. */
    public FakeTicker() {
        this(1_000_000_000L);
    }

    private FakeTicker(long start) {
        this.nanos = new AtomicLong(start);
    }

    /** A ticker whose first reading is {@code start}. */
    public static FakeTicker startingAt(long start) {
        return new FakeTicker(start);
    }

    /** A ticker one second before {@link Long#MAX_VALUE}: it wraps to negative readings within seconds. */
    public static FakeTicker nearOverflow() {
        return startingAt(Long.MAX_VALUE - 1_000_000_000L);
    }

    @Override
    public long read() {
        return nanos.get();
    }

    /** Moves the time on by {@code duration}, wrapping past {@link Long#MAX_VALUE} as a real ticker does. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time goes forward only, not by " + duration);
        }
        nanos.addAndGet(duration.toNanos());
    }
}
