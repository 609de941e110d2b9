package io.pgmcp.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The OpenAI-compatible chat-completions API used by the {@code query} tool. Without a key and
 * without an explicit base URL the LLM is not configured and {@code query} answers OPENAI_ERROR.
 */
public record OpenAiConfig(Optional<Secret> apiKey, String model, Optional<String> baseUrl, Duration timeout) {

    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    public static final String DEFAULT_MODEL = "gpt-4o-mini";

    public OpenAiConfig {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(timeout, "timeout");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static OpenAiConfig defaults() {
        return new OpenAiConfig(Optional.empty(), DEFAULT_MODEL, Optional.empty(), Duration.ofSeconds(30));
    }

    /** True when an API key is present or a base URL was set explicitly (local servers need no key). */
    public boolean configured() {
        return apiKey.isPresent() || baseUrl.isPresent();
    }

    /** The base URL to call, without a trailing slash: the configured one or {@value #DEFAULT_BASE_URL}. */
    public String effectiveBaseUrl() {
        String url = baseUrl.orElse(DEFAULT_BASE_URL);
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }
}
