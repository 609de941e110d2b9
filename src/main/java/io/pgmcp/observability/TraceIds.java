package io.pgmcp.observability;

import java.util.Objects;

/**
 * The W3C ids of the span a log line was written in: 32 and 16 lower-case hex digits.
 */
public record TraceIds(String traceId, String spanId) {
    public TraceIds {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        if (!traceId.matches("[0-9a-f]{32}") || !spanId.matches("[0-9a-f]{16}")) {
            throw new IllegalArgumentException("not W3C trace/span ids: '" + traceId + "', '" + spanId + "'");
        }
    }
}
