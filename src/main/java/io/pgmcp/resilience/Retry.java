package io.pgmcp.resilience;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;

import io.pgmcp.config.RetryConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Runs an operation again after retryable failures: at most {@code maxRetries} extra attempts, waiting
 * the {@link Backoff} delay between them — or the server's wish when the failure is a
 * {@link RetryHint} — and never waiting past the caller's budget: when the next wait would cross the
 * deadline the last failure is thrown at once. Time is read from the injected {@link Ticker} and waits
 * go through the injected {@link Sleeper}.
 *
 * <p>Failures the predicate rejects propagate at once, and so do unchecked exceptions (bugs). An
 * interrupt during a wait, or an operation that returns with the thread interrupted, stops the
 * retries: the last failure is thrown with the interrupt flag set. Every attempt is logged and
 * counted; a {@link Listener} sees every retry (for metrics). Thread-safe; one instance serves all
 * calls.
 */
public final class Retry {
    private static final System.Logger logger = System.getLogger(Retry.class.getName());

    /** One try of the operation. */
    @FunctionalInterface
    public interface Attempt<T, E extends Exception> {
        T call() throws E;
    }

    /** How one attempt ended. */
    public enum Outcome {
        /** It succeeded. */
        SUCCESS,
        /** It failed and another attempt follows. */
        RETRY,
        /** It failed and was the last: not retryable, out of retries or budget, interrupted, or a bug. */
        FAILURE
    }

    /** Told about every retry before its wait, and about how every attempt ended. Must be quick and must not throw. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (attempt, delay, failure) -> {};

        /**
         * @param attempt the attempt that just failed (1 for the first try)
         * @param delay   the wait before the next attempt
         * @param failure why the attempt failed
         */
        void onRetry(int attempt, Duration delay, Exception failure);

        /**
         * Called once per attempt, when it has ended (for a {@link Outcome#RETRY} before {@link #onRetry}).
         *
         * @param attempt the attempt (1 for the first try)
         */
        default void onAttempt(int attempt, Outcome outcome) {}
    }

    private final String name;
    private final int maxRetries;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final Ticker ticker;
    private final Listener listener;
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    /**
     * @param name       what is retried, for logs ("openai")
     * @param maxRetries extra attempts after the first, at least 0
     */
    public Retry(String name, int maxRetries, Backoff backoff, Sleeper sleeper, Ticker ticker, Listener listener) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.maxRetries = maxRetries;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** A retry as {@code config} says, with the backoff of {@link Backoff#from}. */
    public static Retry of(String name, RetryConfig config, RandomGenerator random, Sleeper sleeper, Ticker ticker,
            Listener listener) {
        return new Retry(name, config.maxRetries(), Backoff.from(config, random), sleeper, ticker, listener);
    }

    /**
     * Runs {@code operation} until it succeeds, fails in a way {@code retryable} rejects, has been
     * retried {@code maxRetries} times, or the next wait would end after {@code budget} from now.
     * The first attempt always runs; the budget bounds the waits, the operation bounds itself.
     *
     * @param retryable which failures are worth another attempt
     * @return the first successful result
     * @throws E the failure that ended the retries (with an {@link InterruptedException} suppressed
     *           when an interrupt ended them)
     */
    public <T, E extends Exception> T run(Attempt<T, E> operation, Predicate<? super E> retryable, Duration budget)
            throws E {
        long start = ticker.read();
        long budgetNanos = saturatedNanos(budget);
        for (int attempt = 1;; attempt++) {
            attempts.incrementAndGet();
            int number = attempt;
            logger.log(DEBUG, () -> name + ": attempt " + number + " of " + (maxRetries + 1));
            E failure;
            try {
                T result = operation.call();
                listener.onAttempt(attempt, Outcome.SUCCESS);
                return result;
            } catch (RuntimeException bug) {
                listener.onAttempt(attempt, Outcome.FAILURE);
                throw bug;
            } catch (Exception e) {
                failure = checked(e);
            }
            if (!retryable.test(failure)) {
                logger.log(DEBUG,
                        () -> name + ": attempt " + number + " failed, not retryable: " + failure.getMessage());
                listener.onAttempt(attempt, Outcome.FAILURE);
                throw failure;
            }
            if (attempt > maxRetries) {
                logger.log(INFO, () -> name + ": giving up after " + number + " attempts: " + failure.getMessage());
                listener.onAttempt(attempt, Outcome.FAILURE);
                throw failure;
            }
            if (Thread.currentThread().isInterrupted()) {
                failure.addSuppressed(new InterruptedException("interrupted before retry " + attempt));
                listener.onAttempt(attempt, Outcome.FAILURE);
                throw failure;
            }
            Duration delay = delayAfter(attempt, failure);
            long remaining = budgetNanos - (ticker.read() - start);
            if (saturatedNanos(delay) > remaining) {
                logger.log(INFO, () -> name + ": not retrying after attempt " + number + ", waiting " + millis(delay)
                        + " would exceed the budget of " + millis(budget) + ": " + failure.getMessage());
                listener.onAttempt(attempt, Outcome.FAILURE);
                throw failure;
            }
            logger.log(INFO, () -> name + ": attempt " + number + " failed, retrying in " + millis(delay) + ": "
                    + failure.getMessage());
            retries.incrementAndGet();
            listener.onAttempt(attempt, Outcome.RETRY);
            listener.onRetry(attempt, delay, failure);
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                failure.addSuppressed(interrupted);
                throw failure;
            }
        }
    }

    /** Attempts started since this retry was made, first tries included. */
    public long attempts() {
        return attempts.get();
    }

    /** Retries started (waits begun) since this retry was made. */
    public long retries() {
        return retries.get();
    }

    public int maxRetries() {
        return maxRetries;
    }

    private Duration delayAfter(int attempt, Exception failure) {
        if (failure instanceof RetryHint hint) {
            Optional<Duration> wish = hint.retryAfter();
            if (wish.isPresent() && !wish.get().isNegative()) {
                return wish.get();
            }
        }
        return backoff.delay(attempt);
    }

    // An Attempt<T, E> can only throw E or unchecked exceptions, and unchecked ones are handled before.
    @SuppressWarnings("unchecked")
    private static <E extends Exception> E checked(Exception e) {
        return (E) e;
    }

    /** Nanoseconds, with durations beyond ~292 years read as "forever" instead of overflowing. */
    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "Retry[" + name + ", maxRetries=" + maxRetries + ", " + backoff + "]";
    }
}
