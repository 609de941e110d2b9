package io.pgmcp.mcp;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Work a request leaves for after its answer, on its own thread: what the caller need not wait for (a
 * connection's rollback and session reset) runs once the answer has been handed to the transport, instead of
 * being handed to another thread before it. A hand-off to a sleeping thread costs a wake-up, and on a small
 * machine the woken thread takes the CPU from the request right before its answer; after the answer it costs
 * nothing the caller sees, and the request's thread does the work itself.
 *
 * <p>{@link McpSession} opens a scope around every request ({@link #open}) and runs what was deferred when it
 * has answered or dropped the request. Outside a scope (a thread that serves no request) {@link #defer} says
 * no, and the caller does the work its own way. A request that goes on to more work takes back what it deferred
 * ({@link #takePending}) and has it done elsewhere at once, so that only the end of its last piece of work waits
 * for the answer. Confined to one thread: a scope's work runs on the thread that deferred it, unless taken back.
 */
public final class AfterReply {
    private static final System.Logger logger = System.getLogger(AfterReply.class.getName());
    private static final ThreadLocal<ArrayDeque<Runnable>> PENDING = new ThreadLocal<>();

    private AfterReply() {}

    /**
     * Leaves {@code task} for after the current request's answer.
     *
     * @return false when this thread serves no request: then nothing was taken, and the caller runs the task
     *         its own way
     */
    public static boolean defer(Runnable task) {
        ArrayDeque<Runnable> pending = PENDING.get();
        if (pending == null) {
            return false;
        }
        pending.add(task);
        return true;
    }

    /** True when this thread has deferred work that has not run yet. */
    static boolean hasPending() {
        ArrayDeque<Runnable> pending = PENDING.get();
        return pending != null && !pending.isEmpty();
    }

    /**
     * Takes this thread's deferred work back, in the order it was deferred, for the caller to run elsewhere now:
     * for a request that goes on to more work of the same kind, so that what it deferred is not held until its
     * answer.
     *
     * @return the tasks, none of which will run with the scope any more; empty outside a scope
     */
    public static List<Runnable> takePending() {
        ArrayDeque<Runnable> pending = PENDING.get();
        if (pending == null || pending.isEmpty()) {
            return List.of();
        }
        List<Runnable> taken = List.copyOf(pending);
        pending.clear();
        return taken;
    }

    /**
     * Runs this thread's deferred work now, in the order it was deferred (the end of a scope). Every task runs,
     * also after one threw: a task that throws an exception is logged; the first error is thrown once all have
     * run (deferred work hands back what it holds, and none may be lost).
     */
    static void runPending() {
        ArrayDeque<Runnable> pending = PENDING.get();
        if (pending == null) {
            return;
        }
        Error first = null;
        for (Runnable task = pending.poll(); task != null; task = pending.poll()) {
            try {
                task.run();
            } catch (RuntimeException e) {
                logger.log(Level.ERROR, "work deferred until after a request's answer failed", e);
            } catch (Error e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Opens a scope on this thread; closing it runs what was deferred in it. A scope opened inside another
     * adds nothing: the outer one runs the work.
     */
    public static Scope open() {
        if (PENDING.get() != null) {
            return Scope.NESTED;
        }
        PENDING.set(new ArrayDeque<>(2));
        return Scope.OUTER;
    }

    /** An open scope: {@link #close} runs its work and ends it. */
    public enum Scope implements AutoCloseable {
        OUTER, NESTED;

        @Override
        public void close() {
            if (this == OUTER) {
                try {
                    runPending();
                } finally {
                    PENDING.remove();
                }
            }
        }
    }
}
