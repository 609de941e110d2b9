package io.pgmcp.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that knows when to try again, such as an HTTP 429 with {@code Retry-After}.
 * {@link Retry} waits this long instead of its backoff delay.
 */
public interface RetryHint {

    /** How long the server asked us to wait; empty when it did not say. */
    Optional<Duration> retryAfter();
}
