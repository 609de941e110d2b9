package io.pgmcp.resilience;

import io.pgmcp.config.RetryConfig;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before a retry. Implementations are immutable values and thread-safe as long as
 * their random source is (see {@link ExponentialBackoff}).
 */
public sealed interface Backoff permits ExponentialBackoff, FixedBackoff, FibonacciBackoff {

    /** The share of an exponential delay the jitter may add or remove (±25 %). */
    double DEFAULT_JITTER = 0.25;

    /**
     * The wait before retry number {@code attempt}.
     *
     * @param attempt 1 for the first retry, 2 for the second, …
     * @throws IllegalArgumentException when {@code attempt} is below 1
     */
    Duration delay(int attempt);

    /**
     * The backoff {@code retry.*} configures: exponential from {@code initial_delay} by
     * {@code multiplier} with ±25 % jitter drawn from {@code random}, capped at {@code max_delay};
     * fixed at {@code initial_delay}; or fibonacci multiples of {@code initial_delay} capped at
     * {@code max_delay}.
     *
     * @param random the jitter source; shared by every caller of the backoff, so thread-safe
     *               ({@link java.util.Random} is)
     */
    static Backoff from(RetryConfig config, RandomGenerator random) {
        return switch (config.backoffStrategy()) {
            case EXPONENTIAL -> new ExponentialBackoff(config.initialDelay(), config.maxDelay(), config.multiplier(),
                    DEFAULT_JITTER, random);
            case FIXED -> new FixedBackoff(config.initialDelay());
            case FIBONACCI -> new FibonacciBackoff(config.initialDelay(), config.maxDelay());
        };
    }

    /** Rejects attempt numbers below 1 with a message naming the bad value. */
    static void checkAttempt(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
        }
    }
}
