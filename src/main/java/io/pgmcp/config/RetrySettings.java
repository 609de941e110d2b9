package io.pgmcp.config;

import java.util.Objects;

/** Retry policies for LLM calls and for database connection failures. */
public record RetrySettings(RetryConfig openai, RetryConfig database) {
    public RetrySettings {
        Objects.requireNonNull(openai, "openai");
        Objects.requireNonNull(database, "database");
    }

    public static RetrySettings defaults() {
        return new RetrySettings(RetryConfig.openaiDefaults(), RetryConfig.databaseDefaults());
    }
}
