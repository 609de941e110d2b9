package io.pgmcp.resilience;

/**
 * A source of monotonic time in nanoseconds, injected wherever behaviour depends on time so that
 * tests advance a fake ticker instead of sleeping. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
    long read();

    /** The system's monotonic clock ({@link System#nanoTime()}). */
    static Ticker system() {
        return System::nanoTime;
    }
}
