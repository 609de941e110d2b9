package io.pgmcp.resilience;

import java.time.Duration;
import java.util.Objects;

/** The same wait before every retry. */
public record FixedBackoff(Duration delay) implements Backoff {

    public FixedBackoff {
        Objects.requireNonNull(delay, "delay");
        if (!delay.isPositive()) {
            throw new IllegalArgumentException("delay must be positive, got " + delay);
        }
    }

    @Override
    public Duration delay(int attempt) {
        Backoff.checkAttempt(attempt);
        return delay;
    }
}
