package io.pgmcp.resilience;

import java.time.Duration;
import java.util.Objects;

/** Waits 1, 1, 2, 3, 5, 8 … times {@code base}, never longer than {@code max}: gentler growth than doubling. */
public record FibonacciBackoff(Duration base, Duration max) implements Backoff {

    public FibonacciBackoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (!base.isPositive() || !max.isPositive()) {
            throw new IllegalArgumentException("delays must be positive, got base " + base + " and max " + max);
        }
    }

    @Override
    public Duration delay(int attempt) {
        Backoff.checkAttempt(attempt);
        long cap = max.toNanos();
        long step = base.toNanos();
        long previous = 0;
        long current = step;
        // Stops as soon as the cap is reached, so large attempt numbers neither loop long nor overflow.
        for (int i = 1; i < attempt && current < cap; i++) {
            long next = previous + current;
            previous = current;
            current = next;
        }
        return current >= cap ? max : Duration.ofNanos(current);
    }
}
