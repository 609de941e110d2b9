package io.pgmcp.observability;

/**
 * One open span that is also the current one on this thread until {@link #close}. Not thread-safe:
 * opened, annotated and closed by the thread that runs the stage. Attribute values must be bounded and
 * free of row values and secrets; the callers ({@link Stage}) see to that.
 */
interface SpanScope extends AutoCloseable {
    /** The span of disabled tracing: does nothing. */
    SpanScope NONE = new SpanScope() {
        @Override
        public void attribute(String key, String value) {}

        @Override
        public void attribute(String key, long value) {}

        @Override
        public void attribute(String key, double value) {}

        @Override
        public void attribute(String key, boolean value) {}

        @Override
        public void error(String code) {}

        @Override
        public void close() {}
    };

    void attribute(String key, String value);

    void attribute(String key, long value);

    void attribute(String key, double value);

    void attribute(String key, boolean value);

    /** Marks the span failed with {@code code} (an error code name) as status description and attribute. */
    void error(String code);

    /** Ends the span and makes its parent current again. */
    @Override
    void close();
}
