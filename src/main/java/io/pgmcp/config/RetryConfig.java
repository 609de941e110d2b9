package io.pgmcp.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * How one kind of call is retried: at most {@code maxRetries} extra attempts, waiting per
 * {@code backoffStrategy} from {@code initialDelay} (growing by {@code multiplier} where the strategy
 * grows) up to {@code maxDelay}.
 */
public record RetryConfig(int maxRetries, BackoffStrategyType backoffStrategy, Duration initialDelay,
        Duration maxDelay, double multiplier) {

    public RetryConfig {
        Objects.requireNonNull(backoffStrategy, "backoffStrategy");
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max_retries must not be negative");
        }
        if (!initialDelay.isPositive() || !maxDelay.isPositive()) {
            throw new IllegalArgumentException("delays must be positive");
        }
        if (initialDelay.compareTo(maxDelay) > 0) {
            throw new IllegalArgumentException("initial_delay (" + seconds(initialDelay)
                    + " s) must not exceed max_delay (" + seconds(maxDelay) + " s)");
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
    }

    /** LLM calls: 3 retries, exponential from 1 s to 30 s. */
    public static RetryConfig openaiDefaults() {
        return new RetryConfig(3, BackoffStrategyType.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0);
    }

    /** Database connection failures: 2 retries, fixed 0.5 s. */
    public static RetryConfig databaseDefaults() {
        return new RetryConfig(2, BackoffStrategyType.FIXED, Duration.ofMillis(500), Duration.ofSeconds(30), 2.0);
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}
