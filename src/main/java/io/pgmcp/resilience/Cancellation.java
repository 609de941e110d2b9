package io.pgmcp.resilience;

/**
 * How a caller tells {@link RateLimiter} that the request it is waiting for was cancelled: the
 * limiter registers a hook that runs once on cancellation — at once, on the registering thread, if
 * the request already was cancelled — and takes the waiting call out of the queue. Shaped like the
 * MCP request context's {@code onCancel}, so {@code context::onCancel} adapts one. {@link #NONE} never
 * fires.
 */
@FunctionalInterface
public interface Cancellation {
    Cancellation NONE = hook -> {};

    /** Runs {@code hook} once when the request is cancelled; hooks must be quick and must not throw. */
    void onCancel(Runnable hook);
}
