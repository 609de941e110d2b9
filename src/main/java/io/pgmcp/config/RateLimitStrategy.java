package io.pgmcp.config;

/** What the rate limiter does with a request over the limit. Configured in lower case. */
public enum RateLimitStrategy {
    REJECT, QUEUE, DELAY
}
