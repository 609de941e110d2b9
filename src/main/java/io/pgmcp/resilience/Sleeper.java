package io.pgmcp.resilience;

import java.time.Duration;

/**
 * Waits. Injected next to a {@link Ticker} wherever code pauses, so tests record the wait (and
 * advance their fake ticker) instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

    /**
     * Returns after {@code duration} has passed.
     *
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;

    /** {@link Thread#sleep(Duration)}. */
    static Sleeper system() {
        return Thread::sleep;
    }
}
