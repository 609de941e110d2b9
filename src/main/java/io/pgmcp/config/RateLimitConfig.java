package io.pgmcp.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Request and LLM-token budgets: global per minute and hour, per client per minute, tokens per
 * minute and hour; what happens over budget ({@code strategy}), and for how long a queued or delayed
 * request may wait.
 */
public record RateLimitConfig(boolean enabled, int requestsPerMinute, int requestsPerHour, int perClientPerMinute,
        ClientIdentifier clientIdentifier, long tokensPerMinute, long tokensPerHour, RateLimitStrategy strategy,
        Duration maxQueueWait, boolean includeHeaders) {

    public RateLimitConfig {
        Objects.requireNonNull(clientIdentifier, "clientIdentifier");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(maxQueueWait, "maxQueueWait");
        if (requestsPerMinute < 1 || requestsPerHour < 1 || perClientPerMinute < 1 || tokensPerMinute < 1
                || tokensPerHour < 1) {
            throw new IllegalArgumentException("rate limits must be at least 1");
        }
        if (maxQueueWait.isNegative()) {
            throw new IllegalArgumentException("max_queue_wait must not be negative");
        }
    }

    public static RateLimitConfig defaults() {
        return new RateLimitConfig(true, 60, 1000, 20, ClientIdentifier.AUTO, 100_000, 1_000_000,
                RateLimitStrategy.REJECT, Duration.ofSeconds(30), true);
    }
}
