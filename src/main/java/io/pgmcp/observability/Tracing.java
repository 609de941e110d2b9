package io.pgmcp.observability;

import java.util.Optional;

/**
 * Where spans go: nowhere ({@link #NONE}, the default — the OpenTelemetry SDK is not loaded) or an OTLP
 * collector ({@link OtlpTracing}). Thread-safe.
 */
interface Tracing extends AutoCloseable {
    Tracing NONE = new Tracing() {
        @Override
        public SpanScope root(String name, String traceparent, String tracestate) {
            return SpanScope.NONE;
        }

        @Override
        public SpanScope child(String name) {
            return SpanScope.NONE;
        }

        @Override
        public Optional<TraceIds> current() {
            return Optional.empty();
        }

        @Override
        public void close() {}
    };

    /**
     * Opens the span of one tool call: a child of the caller's trace when {@code traceparent} is a valid
     * W3C header value, else the root of a new trace.
     *
     * @param traceparent the request's {@code _meta.traceparent}, or null
     * @param tracestate  the request's {@code _meta.tracestate}, or null
     */
    SpanScope root(String name, String traceparent, String tracestate);

    /** Opens a child of the current span (a root if there is none). */
    SpanScope child(String name);

    /** The ids of this thread's current span, when it is sampled. */
    Optional<TraceIds> current();

    /** Exports what is buffered (bounded wait) and stops. */
    @Override
    void close();
}
