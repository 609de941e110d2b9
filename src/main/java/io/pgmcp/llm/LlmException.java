package io.pgmcp.llm;

import io.pgmcp.resilience.RetryHint;
import java.io.Serial;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The LLM gave no usable answer. The message is written for a person or a model to act on and never
 * contains the API key; {@link #kind()} classifies the failure and decides {@link #retryable()}.
 */
public final class LlmException extends Exception implements RetryHint {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Why the call failed. */
    public enum Kind {
        /** No API key and no base URL: the {@code query} tool is off. */
        NOT_CONFIGURED(false),
        /** HTTP 429. */
        RATE_LIMITED(true),
        /** HTTP 5xx. */
        SERVER_ERROR(true),
        /** No complete answer within {@code openai.timeout}. */
        TIMEOUT(true),
        /** The server could not be reached or dropped the connection. */
        CONNECTION(true),
        /** HTTP 400 and other client errors: the request itself is wrong. */
        BAD_REQUEST(false),
        /** HTTP 401: missing or wrong API key. */
        UNAUTHORIZED(false),
        /** HTTP 403. */
        FORBIDDEN(false),
        /** HTTP 404: an unknown model or a wrong base URL. */
        NOT_FOUND(false),
        /** A success status whose body is not a chat completion. */
        BAD_RESPONSE(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether the same request may succeed later. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final Duration retryAfter; // null when the server did not say; Optional is not serializable

    public LlmException(Kind kind, String message) {
        this(kind, message, Optional.empty(), null);
    }

    public LlmException(Kind kind, String message, Throwable cause) {
        this(kind, message, Optional.empty(), cause);
    }

    public LlmException(Kind kind, String message, Optional<Duration> retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryAfter = retryAfter.orElse(null);
    }

    public Kind kind() {
        return kind;
    }

    /** True for rate limits, server errors, timeouts and connection failures. */
    public boolean retryable() {
        return kind.retryable();
    }

    /** How long the server asked us to wait (HTTP {@code Retry-After}), when it said. */
    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
