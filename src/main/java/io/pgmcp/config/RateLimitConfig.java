package io.pgmcp.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Request and LLM-token budgets: global per minute and hour, per client per minute, tokens per
 * minute and hour; what happens over budget ({@code strategy}), and for how long a queued or delayed
 * request may wait.
 *
 * <p>What the request budgets count is {@link #limitsRequests}: every tool call over HTTP (a server
 * shared by many clients), and on stdio the calls that pay for an LLM ({@code query}). A stdio
 * {@code execute_sql} or {@code refresh_schema} call comes from the one local client that started
 * the process, is cheap and passes the guard, the EXPLAIN policy and the statement timeout; it is
 * counted only with {@code stdio_all_tools}. The token budgets count every LLM call.
 *
 * @param stdioAllTools on stdio, count every tool call against the request budgets, not only {@code query}
 */
public record RateLimitConfig(boolean enabled, int requestsPerMinute, int requestsPerHour, int perClientPerMinute,
        ClientIdentifier clientIdentifier, long tokensPerMinute, long tokensPerHour, RateLimitStrategy strategy,
        Duration maxQueueWait, boolean includeHeaders, boolean stdioAllTools) {

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

    /**
     * Whether calls of a tool pass the request budgets on {@code transport}: always over HTTP, always
     * for a tool that calls the LLM, and on stdio for the others only with {@code stdio_all_tools}.
     * (Whether the budgets are enforced at all is {@code enabled}.)
     */
    public boolean limitsRequests(Transport transport, boolean callsLlm) {
        return transport != Transport.STDIO || callsLlm || stdioAllTools;
    }

    public static RateLimitConfig defaults() {
        return new RateLimitConfig(true, 60, 1000, 20, ClientIdentifier.AUTO, 100_000, 1_000_000,
                RateLimitStrategy.REJECT, Duration.ofSeconds(30), true, false);
    }
}
