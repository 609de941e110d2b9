package io.pgmcp.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmcp.config.ClientIdentifier;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RateLimitStrategy;
import io.pgmcp.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code queue} and {@code delay} strategies. Waiting calls run on virtual threads; the test moves
 * the fake ticker and asks the limiter to look again, so no test waits for real time to pass (the
 * bounded waits below only let threads meet).
 */
class RateLimiterWaitTest {
    private static final Duration MEET = Duration.ofSeconds(10);

    final FakeTicker ticker = startTicker();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopWaiters() {
        threads.shutdownNow();
        threads.close();
    }

    private RateLimiter limiter(RateLimitStrategy strategy, int perMinute, int perClient, long tokensPerMinute,
            Duration maxWait) {
        return new RateLimiter(new RateLimitConfig(true, perMinute, 1000, perClient, ClientIdentifier.AUTO,
                tokensPerMinute, 1_000_000, strategy, maxWait, true, false), ticker);
    }

    private Future<Admission> inThread(Callable<Admission> call) {
        return threads.submit(call);
    }

    /** Waits (in real time, bounded) until {@code n} calls are queued. */
    private static void awaitWaiting(RateLimiter limiter, int n) throws InterruptedException {
        awaitUntil(() -> limiter.waiting() == n, () -> "expected " + n + " waiting calls, have " + limiter.waiting());
    }

    private static void awaitUntil(BooleanSupplier condition, Supplier<String> failure) throws InterruptedException {
        long end = System.nanoTime() + MEET.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail(failure.get());
            }
            Thread.sleep(1);
        }
    }

    private static Admission outcome(Future<Admission> call) throws Exception {
        return call.get(MEET.toSeconds(), TimeUnit.SECONDS);
    }

    private void advance(RateLimiter limiter, Duration duration) {
        ticker.advance(duration);
        limiter.recheckWaiters();
    }

    @Test
    void queuedRequestsAreAdmittedInArrivalOrderAsWindowsReset() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.QUEUE, 2, 100, 1000, Duration.ofMinutes(10));
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("x", Cancellation.NONE));
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("x", Cancellation.NONE));
        List<Future<Admission>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String client = "c" + i;
            waiters.add(inThread(() -> limiter.acquireRequest(client, Cancellation.NONE)));
            awaitWaiting(limiter, i + 1); // fixes the arrival order
        }
        advance(limiter, Duration.ofMinutes(1));
        assertEquals(new Admission.Granted(Duration.ofMinutes(1)), outcome(waiters.get(0)));
        assertEquals(new Admission.Granted(Duration.ofMinutes(1)), outcome(waiters.get(1)));
        awaitWaiting(limiter, 3);
        assertTrue(waiters.subList(2, 5).stream().noneMatch(Future::isDone));
        advance(limiter, Duration.ofMinutes(1));
        assertInstanceOf(Admission.Granted.class, outcome(waiters.get(2)));
        assertInstanceOf(Admission.Granted.class, outcome(waiters.get(3)));
        awaitWaiting(limiter, 1);
        assertFalse(waiters.get(4).isDone());
    }

    @Test
    void aLaterSmallerCallDoesNotOvertakeAQueuedOne() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.QUEUE, 100, 100, 1000, Duration.ofMinutes(10));
        assertInstanceOf(Admission.Granted.class, limiter.acquireTokens(900, Cancellation.NONE));
        Future<Admission> big = inThread(() -> limiter.acquireTokens(500, Cancellation.NONE));
        awaitWaiting(limiter, 1);
        Future<Admission> small = inThread(() -> limiter.acquireTokens(50, Cancellation.NONE));
        awaitWaiting(limiter, 2);
        assertFalse(small.isDone(), "100 tokens are left, but the earlier call is first in line");
        limiter.chargeTokens(900, 400); // the refund frees enough for both, in order
        assertInstanceOf(Admission.Granted.class, outcome(big));
        assertInstanceOf(Admission.Granted.class, outcome(small));
    }

    @Test
    void underDelayACallThatFitsGoesAheadOfOneThatDoesNot() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.DELAY, 100, 100, 1000, Duration.ofMinutes(10));
        assertInstanceOf(Admission.Granted.class, limiter.acquireTokens(900, Cancellation.NONE));
        Future<Admission> big = inThread(() -> limiter.acquireTokens(500, Cancellation.NONE));
        awaitWaiting(limiter, 1);
        assertEquals(new Admission.Granted(Duration.ZERO), limiter.acquireTokens(50, Cancellation.NONE));
        assertFalse(big.isDone());
    }

    @Test
    void aClientHeldBackByItsOwnBudgetDoesNotHoldBackOthers() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.QUEUE, 10, 1, 1000, Duration.ofMinutes(10));
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("a", Cancellation.NONE));
        Future<Admission> second = inThread(() -> limiter.acquireRequest("a", Cancellation.NONE));
        awaitWaiting(limiter, 1);
        assertEquals(new Admission.Granted(Duration.ZERO), limiter.acquireRequest("b", Cancellation.NONE));
        advance(limiter, Duration.ofMinutes(1));
        assertEquals(new Admission.Granted(Duration.ofMinutes(1)), outcome(second));
    }

    @Test
    void aQueuedCallIsRefusedWhenMaxQueueWaitRunsOut() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.QUEUE, 100, 100, 1000, Duration.ofSeconds(10));
        assertInstanceOf(Admission.Granted.class, limiter.acquireTokens(1000, Cancellation.NONE));
        Future<Admission> call = inThread(() -> limiter.acquireTokens(1, Cancellation.NONE));
        awaitWaiting(limiter, 1);
        advance(limiter, Duration.ofNanos(Duration.ofSeconds(10).toNanos() - 1));
        assertEquals(1, limiter.waiting());
        advance(limiter, Duration.ofNanos(1));
        assertEquals(new Admission.Refused(LimitType.TOKENS_PER_MINUTE, 1000, 0, Duration.ofSeconds(50)),
                outcome(call));
        assertEquals(0, limiter.waiting());
    }

    @Test
    void aRequestThatCouldNotBeAdmittedWithinMaxQueueWaitIsRefusedAtOnce() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.QUEUE, 1, 100, 1000, Duration.ofSeconds(10));
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("a", Cancellation.NONE));
        assertEquals(new Admission.Refused(LimitType.REQUESTS_PER_MINUTE, 1, 0, Duration.ofMinutes(1)),
                limiter.acquireRequest("a", Cancellation.NONE));
        ticker.advance(Duration.ofSeconds(55));
        Future<Admission> call = inThread(() -> limiter.acquireRequest("a", Cancellation.NONE));
        awaitWaiting(limiter, 1); // the window resets within its wait
        advance(limiter, Duration.ofSeconds(5));
        assertEquals(new Admission.Granted(Duration.ofSeconds(5)), outcome(call));
    }

    @Test
    void aCancelledWaiterLeavesAtOnceAndConsumesNothing() throws Exception {
        RateLimiter limiter = new RateLimiter(new RateLimitConfig(true, 1, 3, 100, ClientIdentifier.AUTO, 1000,
                1_000_000, RateLimitStrategy.QUEUE, Duration.ofMinutes(10), true, false), ticker);
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("a", Cancellation.NONE));
        ManualCancellation cancellation = new ManualCancellation();
        Future<Admission> cancelled = inThread(() -> limiter.acquireRequest("b", cancellation));
        awaitWaiting(limiter, 1);
        Future<Admission> next = inThread(() -> limiter.acquireRequest("c", Cancellation.NONE));
        awaitWaiting(limiter, 2);
        cancellation.cancel();
        assertEquals(new Admission.Cancelled(Duration.ZERO), outcome(cancelled));
        assertEquals(1, limiter.waiting());
        advance(limiter, Duration.ofMinutes(1));
        assertInstanceOf(Admission.Granted.class, outcome(next));
        advance(limiter, Duration.ofMinutes(1));
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("d", Cancellation.NONE),
                "the hour budget of 3 counted a, c and this one only");
        advance(limiter, Duration.ofMinutes(1));
        Admission refused = limiter.acquireRequest("e", Cancellation.NONE);
        assertEquals(LimitType.REQUESTS_PER_HOUR, assertInstanceOf(Admission.Refused.class, refused).type());
    }

    @Test
    void aCallCancelledBeforeItWouldWaitDoesNotWait() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.QUEUE, 1, 100, 1000, Duration.ofMinutes(10));
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("a", Cancellation.NONE));
        ManualCancellation cancellation = new ManualCancellation();
        cancellation.cancel();
        assertInstanceOf(Admission.Cancelled.class, outcome(inThread(() -> limiter.acquireRequest("a", cancellation))));
        assertEquals(0, limiter.waiting());
    }

    @Test
    void anInterruptedWaiterLeavesTheQueueWithItsFlagSet() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.QUEUE, 1, 100, 1000, Duration.ofMinutes(10));
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("a", Cancellation.NONE));
        CompletableFuture<Admission> outcome = new CompletableFuture<>();
        CompletableFuture<Boolean> flag = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            outcome.complete(limiter.acquireRequest("b", Cancellation.NONE));
            flag.complete(Thread.currentThread().isInterrupted());
        });
        awaitWaiting(limiter, 1);
        waiter.interrupt();
        assertInstanceOf(Admission.Cancelled.class, outcome(outcome));
        assertTrue(flag.get(MEET.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, limiter.waiting());
    }

    @Test
    void delayAdmitsWhenTheWindowResets() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.DELAY, 1, 100, 1000, Duration.ofMinutes(2));
        assertInstanceOf(Admission.Granted.class, limiter.acquireRequest("a", Cancellation.NONE));
        ticker.advance(Duration.ofSeconds(30));
        Future<Admission> call = inThread(() -> limiter.acquireRequest("a", Cancellation.NONE));
        awaitWaiting(limiter, 1);
        advance(limiter, Duration.ofSeconds(29));
        assertFalse(call.isDone());
        advance(limiter, Duration.ofSeconds(1));
        assertEquals(new Admission.Granted(Duration.ofSeconds(30)), outcome(call));
    }

    @Test
    void aHundredQueuedVirtualThreadsAreAdmittedALimitAtATime() throws Exception {
        RateLimiter limiter = limiter(RateLimitStrategy.QUEUE, 10, 1000, 1000, Duration.ofHours(1));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Admission>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String client = "c" + i % 7;
            calls.add(inThread(() -> {
                start.await();
                return limiter.acquireRequest(client, Cancellation.NONE);
            }));
        }
        start.countDown();
        for (int round = 1; round <= 3; round++) {
            int expected = 10 * round;
            awaitWaiting(limiter, 100 - expected); // every thread arrived, and the window is full
            awaitUntil(() -> calls.stream().filter(Future::isDone).count() >= expected,
                    () -> "fewer than " + expected + " admitted");
            assertEquals(expected, calls.stream().filter(Future::isDone).count(), "after " + round + " windows");
            for (Future<Admission> call : calls) {
                if (call.isDone()) {
                    assertInstanceOf(Admission.Granted.class, call.get());
                }
            }
            advance(limiter, Duration.ofMinutes(1));
        }
    }

    @Test
    void onTheRealClockAWaiterWakesItselfWhenMaxQueueWaitRunsOut() throws Exception {
        RateLimiter limiter = new RateLimiter(new RateLimitConfig(true, 100, 1000, 100, ClientIdentifier.AUTO, 10,
                1000, RateLimitStrategy.QUEUE, Duration.ofMillis(20), true, false), Ticker.system());
        assertInstanceOf(Admission.Granted.class, limiter.acquireTokens(10, Cancellation.NONE));
        Admission.Refused refused = assertInstanceOf(Admission.Refused.class,
                outcome(inThread(() -> limiter.acquireTokens(1, Cancellation.NONE))));
        assertEquals(LimitType.TOKENS_PER_MINUTE, refused.type());
    }

    /** Where the ticker starts; {@code AcrossTheWrap} subclasses start it just before it overflows. */
    FakeTicker startTicker() {
        return new FakeTicker();
    }
}
