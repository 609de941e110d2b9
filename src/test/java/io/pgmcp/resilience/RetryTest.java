package io.pgmcp.resilience;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.testing.FakeTicker;
import java.io.Serial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryTest {
    private static final Duration BUDGET = Duration.ofMinutes(1);

    /** A failure with a flag for the retry predicate and an optional server hint. */
    static final class Flaky extends Exception implements RetryHint {
        @Serial
        private static final long serialVersionUID = 1L;
        private final boolean retryable;
        private final Duration hint;

        Flaky(String message, boolean retryable, Duration hint) {
            super(message);
            this.retryable = retryable;
            this.hint = hint;
        }

        static Flaky transientFailure(String message) {
            return new Flaky(message, true, null);
        }

        static Flaky permanent(String message) {
            return new Flaky(message, false, null);
        }

        static Flaky withHint(String message, Duration hint) {
            return new Flaky(message, true, hint);
        }

        boolean isTransient() {
            return retryable;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(hint);
        }
    }

    /** Fails with the given failures in turn, then answers "ok"; counts calls. */
    static final class Script implements Retry.Attempt<String, Flaky> {
        private final List<Flaky> failures;
        final AtomicInteger calls = new AtomicInteger();

        Script(Flaky... failures) {
            this.failures = List.of(failures);
        }

        @Override
        public String call() throws Flaky {
            int call = calls.getAndIncrement();
            if (call < failures.size()) {
                throw failures.get(call);
            }
            return "ok";
        }
    }

    final FakeTicker ticker = startTicker();
    private final RecordingSleeper sleeper = new RecordingSleeper(ticker);
    private final List<String> retriesSeen = new ArrayList<>();
    private final Retry.Listener listener = (attempt, delay, failure) -> retriesSeen
            .add(attempt + ":" + delay.toMillis() + ":" + failure.getMessage());

    private Retry retry(int maxRetries, Backoff backoff) {
        return new Retry("test", maxRetries, backoff, sleeper, ticker, listener);
    }

    private Retry fixed(int maxRetries, Duration delay) {
        return retry(maxRetries, new FixedBackoff(delay));
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aFirstSuccessNeedsNoWait() throws Flaky {
        Script op = new Script();
        assertEquals("ok", fixed(3, Duration.ofSeconds(1)).run(op, Flaky::isTransient, BUDGET));
        assertEquals(1, op.calls.get());
        assertEquals(List.of(), sleeper.waits());
    }

    @Test
    void retryableFailuresAreRetriedWithTheBackoffDelays() throws Flaky {
        Script op = new Script(Flaky.transientFailure("a"), Flaky.transientFailure("b"));
        Retry retry = retry(3, new FibonacciBackoff(Duration.ofMillis(100), Duration.ofSeconds(5)));
        assertEquals("ok", retry.run(op, Flaky::isTransient, BUDGET));
        assertEquals(3, op.calls.get());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(100)), sleeper.waits());
        assertEquals(List.of("1:100:a", "2:100:b"), retriesSeen);
        assertEquals(3, retry.attempts());
        assertEquals(2, retry.retries());
    }

    @Test
    void theListenerHearsHowEveryAttemptEnded() {
        List<String> outcomes = new ArrayList<>();
        Retry.Listener counting = new Retry.Listener() {
            @Override
            public void onRetry(int attempt, Duration delay, Exception failure) {}

            @Override
            public void onAttempt(int attempt, Retry.Outcome outcome) {
                outcomes.add(attempt + ":" + outcome);
            }
        };
        Retry retry = new Retry("test", 3, new FixedBackoff(Duration.ofSeconds(1)), sleeper, ticker, counting);
        assertDoesNotThrow(() -> retry.run(new Script(Flaky.transientFailure("a")), Flaky::isTransient, BUDGET));
        assertEquals(List.of("1:RETRY", "2:SUCCESS"), outcomes);

        outcomes.clear();
        assertThrows(Flaky.class, () -> retry.run(new Script(Flaky.transientFailure("a"), Flaky.permanent("b")),
                Flaky::isTransient, BUDGET));
        assertEquals(List.of("1:RETRY", "2:FAILURE"), outcomes, "a failure that is not retried is the last attempt");

        outcomes.clear();
        Retry.Attempt<String, Flaky> bug = () -> {
            throw new IllegalStateException("bug");
        };
        assertThrows(IllegalStateException.class, () -> retry.run(bug, Flaky::isTransient, BUDGET));
        assertEquals(List.of("1:FAILURE"), outcomes);
    }

    @Test
    void nonRetryableFailuresPropagateAtOnce() {
        Flaky permanent = Flaky.permanent("bad request");
        Script op = new Script(Flaky.transientFailure("blip"), permanent);
        Flaky thrown = assertThrows(Flaky.class,
                () -> fixed(5, Duration.ofSeconds(1)).run(op, Flaky::isTransient, BUDGET));
        assertSame(permanent, thrown);
        assertEquals(2, op.calls.get());
        assertEquals(List.of(Duration.ofSeconds(1)), sleeper.waits());
    }

    @Test
    void givesUpAfterMaxRetriesWithTheLastFailure() {
        Flaky last = Flaky.transientFailure("4");
        Script op = new Script(Flaky.transientFailure("1"), Flaky.transientFailure("2"), Flaky.transientFailure("3"),
                last);
        Retry retry = fixed(3, Duration.ofSeconds(1));
        Flaky thrown = assertThrows(Flaky.class, () -> retry.run(op, Flaky::isTransient, BUDGET));
        assertSame(last, thrown);
        assertEquals(4, op.calls.get(), "the first try and three retries");
        assertEquals(3, sleeper.waits().size());
    }

    @Test
    void zeroMaxRetriesMeansOneAttempt() {
        Script op = new Script(Flaky.transientFailure("once"));
        assertThrows(Flaky.class, () -> fixed(0, Duration.ofSeconds(1)).run(op, Flaky::isTransient, BUDGET));
        assertEquals(1, op.calls.get());
        assertEquals(List.of(), sleeper.waits());
    }

    @Test
    void aServerRetryAfterHintReplacesTheBackoffDelay() throws Flaky {
        Script op = new Script(Flaky.withHint("429", Duration.ofSeconds(7)), Flaky.transientFailure("500"));
        assertEquals("ok", fixed(3, Duration.ofMillis(200)).run(op, Flaky::isTransient, BUDGET));
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofMillis(200)), sleeper.waits());
    }

    @Test
    void neverWaitsPastTheDeadline() {
        Flaky third = Flaky.transientFailure("3");
        Script op = new Script(Flaky.transientFailure("1"), Flaky.transientFailure("2"), third,
                Flaky.transientFailure("4"));
        Retry retry = fixed(10, Duration.ofSeconds(1));
        long start = ticker.read();
        Flaky thrown = assertThrows(Flaky.class, () -> retry.run(op, Flaky::isTransient, Duration.ofMillis(2500)));
        assertSame(third, thrown, "a third wait would end at 3 s, after the 2.5 s budget");
        assertEquals(3, op.calls.get());
        assertEquals(Duration.ofSeconds(2), Duration.ofNanos(ticker.read() - start));
    }

    @Test
    void timeSpentInAttemptsCountsAgainstTheBudget() {
        Retry.Attempt<String, Flaky> slow = () -> {
            ticker.advance(Duration.ofSeconds(4));
            throw Flaky.transientFailure("slow");
        };
        assertThrows(Flaky.class,
                () -> fixed(10, Duration.ofSeconds(1)).run(slow, Flaky::isTransient, Duration.ofSeconds(10)));
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), sleeper.waits(),
                "4+1+4+1+4 = 14 s: a third wait would start at 14 s, past the budget");
    }

    @Test
    void aRetryAfterBeyondTheDeadlineFailsNowInsteadOfWaiting() {
        Flaky limited = Flaky.withHint("429", Duration.ofSeconds(90));
        Script op = new Script(limited);
        Flaky thrown = assertThrows(Flaky.class,
                () -> fixed(3, Duration.ofSeconds(1)).run(op, Flaky::isTransient, BUDGET));
        assertSame(limited, thrown);
        assertEquals(List.of(), sleeper.waits());
        assertEquals(List.of(), retriesSeen);
    }

    @Test
    void anEnormousBudgetOrHintDoesNotOverflow() throws Flaky {
        Script op = new Script(Flaky.transientFailure("1"));
        assertEquals("ok",
                fixed(3, Duration.ofSeconds(1)).run(op, Flaky::isTransient, Duration.ofDays(1_000_000_000L)));
        Script hinted = new Script(Flaky.withHint("429", Duration.ofDays(1_000_000_000L)));
        assertThrows(Flaky.class, () -> fixed(3, Duration.ofSeconds(1)).run(hinted, Flaky::isTransient, BUDGET));
    }

    @Test
    void aNegativeBudgetStillRunsTheFirstAttemptButNoRetry() {
        Script op = new Script(Flaky.transientFailure("1"));
        assertThrows(Flaky.class,
                () -> fixed(3, Duration.ofSeconds(1)).run(op, Flaky::isTransient, Duration.ofSeconds(-1)));
        assertEquals(1, op.calls.get());
    }

    @Test
    void anInterruptDuringTheWaitStopsAndKeepsTheFlag() {
        Sleeper interrupted = duration -> {
            throw new InterruptedException("stop");
        };
        Flaky first = Flaky.transientFailure("first");
        Script op = new Script(first, Flaky.transientFailure("second"));
        Retry retry = new Retry("test", 3, new FixedBackoff(Duration.ofSeconds(1)), interrupted, ticker,
                Retry.Listener.NONE);
        Flaky thrown = assertThrows(Flaky.class, () -> retry.run(op, Flaky::isTransient, BUDGET));
        assertSame(first, thrown);
        assertInstanceOf(InterruptedException.class, thrown.getSuppressed()[0]);
        assertTrue(Thread.currentThread().isInterrupted());
        assertEquals(1, op.calls.get());
    }

    @Test
    void anOperationThatLeavesTheThreadInterruptedIsNotRetried() {
        Retry.Attempt<String, Flaky> op = () -> {
            Thread.currentThread().interrupt();
            throw Flaky.transientFailure("interrupted while waiting");
        };
        Flaky thrown = assertThrows(Flaky.class,
                () -> fixed(3, Duration.ofSeconds(1)).run(op, Flaky::isTransient, BUDGET));
        assertInstanceOf(InterruptedException.class, thrown.getSuppressed()[0]);
        assertTrue(Thread.currentThread().isInterrupted());
        assertEquals(List.of(), sleeper.waits());
    }

    @Test
    void uncheckedExceptionsAreBugsAndNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        Retry.Attempt<String, Flaky> op = () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("bug");
        };
        assertThrows(IllegalStateException.class, () -> fixed(3, Duration.ofSeconds(1)).run(op, e -> true, BUDGET));
        assertEquals(1, calls.get());
    }

    @Test
    void negativeMaxRetriesIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fixed(-1, Duration.ofSeconds(1)));
        assertEquals("maxRetries must not be negative, got -1", e.getMessage());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    /** Where the ticker starts; {@code AcrossTheWrap} subclasses start it just before it overflows. */
    FakeTicker startTicker() {
        return new FakeTicker();
    }
}
