package io.pgmcp.resilience;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What {@link RateLimiter} decided about one call. */
public sealed interface Admission {

    /** The call may proceed; its cost has been counted. {@code waited} is how long it queued (zero if not). */
    record Granted(Duration waited) implements Admission {
        public Granted {
            Objects.requireNonNull(waited, "waited");
        }
    }

    /**
     * The call must not proceed: {@code type}'s budget of {@code limit} per window has
     * {@code remaining} left, not enough for it, and the window closes after {@code retryAfter}.
     * Nothing was counted.
     */
    record Refused(LimitType type, long limit, long remaining, Duration retryAfter) implements Admission {
        public Refused {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (limit < 1 || remaining < 0) {
                throw new IllegalArgumentException("bad refusal: limit " + limit + ", remaining " + remaining);
            }
            if (retryAfter.isNegative() || retryAfter.isZero()) {
                throw new IllegalArgumentException("retryAfter must be positive, got " + retryAfter);
            }
        }

        /** {@link #retryAfter} in whole seconds, rounded up, so at least 1. */
        public long retryAfterSeconds() {
            return ceilSeconds(retryAfter);
        }

        /** The error message of {@code RATE_LIMIT_EXCEEDED}, telling a model to wait rather than retry at once. */
        public String message() {
            String shortfall = remaining > 0 ? " (not enough for this request)" : "";
            return "Rate limit exceeded: this server allows " + limit + " " + type.description() + ", and "
                    + remaining + " remain in the current window" + shortfall + ". Wait " + retryAfterSeconds()
                    + " seconds before trying again; retrying sooner will be refused.";
        }

        /** The error's {@code details}: {@code limit_type}, {@code limit}, {@code remaining}, {@code retry_after} (seconds). */
        public Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("limit_type", type.wireName());
            details.put("limit", limit);
            details.put("remaining", remaining);
            details.put("retry_after", retryAfterSeconds());
            return Collections.unmodifiableMap(details);
        }
    }

    /** The request was cancelled (or its thread interrupted) while it waited; nothing was counted. */
    record Cancelled(Duration waited) implements Admission {
        public Cancelled {
            Objects.requireNonNull(waited, "waited");
        }
    }

    /** Whole seconds in {@code d}, rounded up. */
    private static long ceilSeconds(Duration d) {
        return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    }
}
