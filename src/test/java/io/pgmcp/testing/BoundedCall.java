package io.pgmcp.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.opentest4j.AssertionFailedError;

/**
 * Runs a call on a virtual thread of its own and waits for it at most a bound: a fault test states
 * that a call never hangs, and a call still running after its bound fails the test (the thread is
 * interrupted and reported with its stack, so a stuck thread is never left silently behind).
 */
public final class BoundedCall {

    /**
     * How a call ended.
     *
     * @param value   its result, or null when it threw
     * @param failure what it threw, or null
     * @param took    how long it ran
     */
    public record Outcome<T>(T value, Throwable failure, Duration took) {
        public boolean succeeded() {
            return failure == null;
        }

        /** The failure as {@code type}, or an assertion error saying what happened instead. */
        public <E extends Throwable> E failure(Class<E> type) {
            if (!type.isInstance(failure)) {
                throw new AssertionFailedError("expected the call to fail with " + type.getSimpleName() + " but it "
                        + (failure == null ? "returned " + value : "threw " + failure) + " after " + took.toMillis()
                        + " ms", failure);
            }
            return type.cast(failure);
        }

        /** The value, or an assertion error carrying the failure. */
        public T value() {
            if (failure != null) {
                throw new AssertionFailedError("the call failed after " + took.toMillis() + " ms: " + failure, failure);
            }
            return value;
        }
    }

    private BoundedCall() {}

    /** A call started with {@link #start}, to be awaited. */
    public static final class Running<T> {
        private final String name;
        private final Thread thread;
        private final AtomicReference<Outcome<T>> outcome;

        private Running(String name, Thread thread, AtomicReference<Outcome<T>> outcome) {
            this.name = name;
            this.thread = thread;
            this.outcome = outcome;
        }

        /** True once the call has ended. */
        public boolean isDone() {
            return !thread.isAlive();
        }

        /**
         * Waits at most {@code bound} for the call to end.
         *
         * @throws AssertionFailedError when it is still running then (it is interrupted; the error
         *                              carries its stack)
         */
        public Outcome<T> await(Duration bound) throws InterruptedException {
            if (!thread.join(bound)) {
                StackTraceElement[] stack = thread.getStackTrace();
                thread.interrupt();
                AssertionFailedError stuck = new AssertionFailedError("call '" + name + "' still running after "
                        + bound.toMillis() + " ms");
                stuck.setStackTrace(stack);
                throw stuck;
            }
            return outcome.get();
        }
    }

    /** Starts {@code work} on a virtual thread named {@code name}. */
    public static <T> Running<T> start(String name, Callable<T> work) {
        AtomicReference<Outcome<T>> outcome = new AtomicReference<>();
        long start = System.nanoTime();
        Thread thread = Thread.ofVirtual().name(name).start(() -> {
            try {
                T value = work.call();
                outcome.set(new Outcome<>(value, null, Duration.ofNanos(System.nanoTime() - start)));
            } catch (Throwable t) {
                outcome.set(new Outcome<>(null, t, Duration.ofNanos(System.nanoTime() - start)));
            }
        });
        return new Running<>(name, thread, outcome);
    }

    /**
     * Runs {@code work} on a virtual thread named {@code name} and waits at most {@code bound}.
     *
     * @throws AssertionFailedError when the call is still running after {@code bound}
     */
    public static <T> Outcome<T> run(String name, Duration bound, Callable<T> work) throws InterruptedException {
        return start(name, work).await(bound);
    }
}
