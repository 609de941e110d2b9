package io.pgmcp.db;

/**
 * How a caller tells the database layer that its request was cancelled: the layer registers a hook
 * (cancel the running statement on the server) that runs once on cancellation, at once if the
 * request is already cancelled. {@link #NONE} never fires.
 */
@FunctionalInterface
public interface CancelSignal {
    CancelSignal NONE = hook -> {};

    void onCancel(Runnable hook);
}
