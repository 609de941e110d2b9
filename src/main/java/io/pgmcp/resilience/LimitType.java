package io.pgmcp.resilience;

import java.time.Duration;
import java.util.Locale;

/**
 * The budgets {@link RateLimiter} enforces, each counted in its own fixed window. {@link #wireName()}
 * is the {@code details.limit_type} of a {@code RATE_LIMIT_EXCEEDED} error.
 */
public enum LimitType {
    REQUESTS_PER_MINUTE(Duration.ofMinutes(1), "requests per minute from all clients together"),
    REQUESTS_PER_HOUR(Duration.ofHours(1), "requests per hour from all clients together"),
    PER_CLIENT_PER_MINUTE(Duration.ofMinutes(1), "requests per minute from this client"),
    TOKENS_PER_MINUTE(Duration.ofMinutes(1), "LLM tokens per minute"),
    TOKENS_PER_HOUR(Duration.ofHours(1), "LLM tokens per hour");

    private final Duration window;
    private final String description;

    LimitType(Duration window, String description) {
        this.window = window;
        this.description = description;
    }

    /** How long one window of this budget lasts. */
    public Duration window() {
        return window;
    }

    /** The configuration-style name, e.g. {@code requests_per_minute}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What is counted, for messages: "requests per minute from this client". */
    public String description() {
        return description;
    }
}
