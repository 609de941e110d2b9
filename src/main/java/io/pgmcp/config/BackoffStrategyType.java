package io.pgmcp.config;

/** How the delay between retries grows. Configured in lower case. */
public enum BackoffStrategyType {
    EXPONENTIAL, FIXED, FIBONACCI
}
