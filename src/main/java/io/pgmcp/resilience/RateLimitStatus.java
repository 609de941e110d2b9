package io.pgmcp.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * The request budget closest to running out for one client, as {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset} headers would show it.
 *
 * @param type      which budget this is
 * @param limit     its size per window
 * @param remaining how many requests it still admits in the current window
 * @param reset     until its current window closes (a whole window when none is open)
 */
public record RateLimitStatus(LimitType type, long limit, long remaining, Duration reset) {

    public RateLimitStatus {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reset, "reset");
        if (limit < 1 || remaining < 0 || reset.isNegative() || reset.isZero()) {
            throw new IllegalArgumentException(
                    "bad status: limit " + limit + ", remaining " + remaining + ", reset " + reset);
        }
    }

    /** {@link #reset} in whole seconds, rounded up. */
    public long resetSeconds() {
        return reset.getSeconds() + (reset.getNano() > 0 ? 1 : 0);
    }
}
