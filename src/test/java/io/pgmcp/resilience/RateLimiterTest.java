package io.pgmcp.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.ClientIdentifier;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RateLimitStrategy;
import io.pgmcp.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The budgets themselves, under the {@code reject} strategy: every decision is immediate. */
class RateLimiterTest {
    final FakeTicker ticker = startTicker();

    static RateLimitConfig config(int perMinute, int perHour, int perClient, long tokensPerMinute, long tokensPerHour) {
        return new RateLimitConfig(true, perMinute, perHour, perClient, ClientIdentifier.AUTO, tokensPerMinute,
                tokensPerHour, RateLimitStrategy.REJECT, Duration.ofSeconds(30), true, false);
    }

    private RateLimiter limiter(int perMinute, int perHour, int perClient) {
        return new RateLimiter(config(perMinute, perHour, perClient, 100_000, 1_000_000), ticker);
    }

    private static Admission.Refused refused(Admission admission) {
        return assertInstanceOf(Admission.Refused.class, admission);
    }

    private static void granted(Admission admission) {
        assertInstanceOf(Admission.Granted.class, admission);
    }

    @Test
    void theNthRequestInAWindowIsAdmittedAndTheNextRefusedUntilTheReset() {
        RateLimiter limiter = limiter(5, 1000, 1000);
        granted(limiter.acquireRequest("a", Cancellation.NONE)); // opens the window
        ticker.advance(Duration.ofMillis(10_500));
        for (int i = 2; i <= 5; i++) {
            granted(limiter.acquireRequest("a", Cancellation.NONE));
        }
        Admission.Refused sixth = refused(limiter.acquireRequest("a", Cancellation.NONE));
        assertEquals(new Admission.Refused(LimitType.REQUESTS_PER_MINUTE, 5, 0, Duration.ofMillis(49_500)), sixth);
        assertEquals(50, sixth.retryAfterSeconds(), "rounded up");
        ticker.advance(Duration.ofMillis(49_499));
        assertEquals(1, refused(limiter.acquireRequest("a", Cancellation.NONE)).retryAfterSeconds(),
                "one millisecond before the reset still waits, and says at least a second");
        ticker.advance(Duration.ofMillis(1));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
    }

    @Test
    void aResetWindowAdmitsAFullLimitAgainAndOpensAtItsFirstRequest() {
        RateLimiter limiter = limiter(2, 1000, 1000);
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        ticker.advance(Duration.ofSeconds(90)); // idle past the reset: the next window opens now
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        assertEquals(Duration.ofSeconds(60), refused(limiter.acquireRequest("a", Cancellation.NONE)).retryAfter());
    }

    @Test
    void theHourLimitHoldsAcrossMinuteWindows() {
        RateLimiter limiter = limiter(2, 3, 1000);
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        assertEquals(LimitType.REQUESTS_PER_MINUTE, refused(limiter.acquireRequest("a", Cancellation.NONE)).type());
        ticker.advance(Duration.ofMinutes(1));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        Admission.Refused byHour = refused(limiter.acquireRequest("a", Cancellation.NONE));
        assertEquals(new Admission.Refused(LimitType.REQUESTS_PER_HOUR, 3, 0, Duration.ofMinutes(59)), byHour);
        ticker.advance(Duration.ofMinutes(59));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
    }

    @Test
    void whenSeveralBudgetsBlockTheRefusalNamesTheOneThatClosesLast() {
        RateLimiter limiter = limiter(1, 1, 1);
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        assertEquals(LimitType.REQUESTS_PER_HOUR, refused(limiter.acquireRequest("a", Cancellation.NONE)).type());
    }

    @Test
    void refusedRequestsCountNothing() {
        RateLimiter limiter = limiter(10, 1000, 1);
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        for (int i = 0; i < 20; i++) {
            refused(limiter.acquireRequest("a", Cancellation.NONE));
        }
        assertEquals(9, limiter.status("b").orElseThrow().remaining(), "the global minute counted one request");
    }

    @Test
    void oneClientExhaustingItsBudgetLeavesOthersAloneButTheGlobalLimitBindsAll() {
        RateLimiter limiter = limiter(5, 1000, 2);
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        Admission.Refused a = refused(limiter.acquireRequest("a", Cancellation.NONE));
        assertEquals(LimitType.PER_CLIENT_PER_MINUTE, a.type());
        granted(limiter.acquireRequest("b", Cancellation.NONE));
        granted(limiter.acquireRequest("b", Cancellation.NONE));
        granted(limiter.acquireRequest("c", Cancellation.NONE));
        assertEquals(LimitType.REQUESTS_PER_MINUTE, refused(limiter.acquireRequest("d", Cancellation.NONE)).type());
    }

    @Test
    void anEstimateOverTheTokenBudgetIsRefusedBeforeTheCall() {
        RateLimiter limiter = new RateLimiter(config(100, 1000, 100, 1000, 10_000), ticker);
        granted(limiter.acquireTokens(800, Cancellation.NONE));
        Admission.Refused refusal = refused(limiter.acquireTokens(300, Cancellation.NONE));
        assertEquals(new Admission.Refused(LimitType.TOKENS_PER_MINUTE, 1000, 200, Duration.ofMinutes(1)), refusal);
        granted(limiter.acquireTokens(200, Cancellation.NONE));
    }

    @Test
    void chargingTheRealUsageCorrectsTheEstimate() {
        RateLimiter limiter = new RateLimiter(config(100, 1000, 100, 1000, 10_000), ticker);
        granted(limiter.acquireTokens(800, Cancellation.NONE));
        limiter.chargeTokens(800, 300); // refund 500
        granted(limiter.acquireTokens(700, Cancellation.NONE));
        limiter.chargeTokens(700, 900); // 200 more than estimated: 1200 counted, past the limit
        Admission.Refused refusal = refused(limiter.acquireTokens(1, Cancellation.NONE));
        assertEquals(0, refusal.remaining());
        limiter.chargeTokens(5000, 0);
        granted(limiter.acquireTokens(1000, Cancellation.NONE));
    }

    @Test
    void theTokenHourBudgetHoldsAcrossMinutes() {
        RateLimiter limiter = new RateLimiter(config(100, 1000, 100, 1000, 1500), ticker);
        granted(limiter.acquireTokens(1000, Cancellation.NONE));
        ticker.advance(Duration.ofMinutes(1));
        assertEquals(LimitType.TOKENS_PER_HOUR, refused(limiter.acquireTokens(600, Cancellation.NONE)).type());
        granted(limiter.acquireTokens(500, Cancellation.NONE));
    }

    @Test
    void aPromptLargerThanTheWholeBudgetGetsAnEmptyWindow() {
        RateLimiter limiter = new RateLimiter(config(100, 1000, 100, 1000, 10_000), ticker);
        granted(limiter.acquireTokens(5000, Cancellation.NONE));
        refused(limiter.acquireTokens(1, Cancellation.NONE));
    }

    @Test
    void aDisabledLimiterAdmitsEverythingAndReportsNoStatus() {
        RateLimiter limiter = new RateLimiter(new RateLimitConfig(false, 1, 1, 1, ClientIdentifier.AUTO, 1, 1,
                RateLimitStrategy.QUEUE, Duration.ofSeconds(30), true, false), ticker);
        for (int i = 0; i < 1000; i++) {
            granted(limiter.acquireRequest("c" + i % 3, Cancellation.NONE));
            granted(limiter.acquireTokens(1_000_000, Cancellation.NONE));
            limiter.chargeTokens(1_000_000, 2_000_000);
        }
        assertEquals(Optional.empty(), limiter.status("c0"));
        assertEquals(0, limiter.clientCount());
    }

    @Test
    void aHundredConcurrentVirtualThreadsNeverGetMoreThanTheLimit() throws Exception {
        RateLimiter limiter = limiter(37, 1000, 1000);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Admission>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                String client = "c" + i % 7;
                calls.add(threads.submit(() -> {
                    start.await();
                    return limiter.acquireRequest(client, Cancellation.NONE);
                }));
            }
            start.countDown();
        }
        long admitted = 0;
        for (Future<Admission> call : calls) {
            admitted += call.get() instanceof Admission.Granted ? 1 : 0;
        }
        assertEquals(37, admitted);
    }

    @Test
    void clientWindowsOfAMillionPassingClientsDoNotAccumulate() {
        RateLimiter limiter = new RateLimiter(config(1000, 1_000_000, 5, 1, 1), ticker);
        for (int i = 0; i < 1_000_000; i++) {
            granted(limiter.acquireRequest("client-" + i, Cancellation.NONE));
            ticker.advance(Duration.ofMillis(100)); // ten new clients a second, 600 within any minute
            assertTrue(limiter.clientCount() <= 620, () -> "client windows held: " + limiter.clientCount());
        }
    }

    @Test
    void aClientWhoseWindowWasDroppedStartsAfresh() {
        RateLimiter limiter = limiter(1000, 1000, 2);
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        refused(limiter.acquireRequest("a", Cancellation.NONE));
        ticker.advance(Duration.ofSeconds(61));
        granted(limiter.acquireRequest("b", Cancellation.NONE)); // sweeps a's closed window
        assertEquals(1, limiter.clientCount());
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        assertEquals(LimitType.PER_CLIENT_PER_MINUTE, refused(limiter.acquireRequest("a", Cancellation.NONE)).type());
    }

    @Test
    void statusShowsTheBudgetClosestToRunningOut() {
        RateLimiter limiter = limiter(10, 1000, 3);
        assertEquals(new RateLimitStatus(LimitType.REQUESTS_PER_MINUTE, 10, 10, Duration.ofMinutes(1)),
                limiter.status("a").orElseThrow());
        assertEquals(0, limiter.clientCount(), "status creates no client window");
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        granted(limiter.acquireRequest("a", Cancellation.NONE));
        ticker.advance(Duration.ofMillis(20_500));
        RateLimitStatus status = limiter.status("a").orElseThrow();
        assertEquals(new RateLimitStatus(LimitType.PER_CLIENT_PER_MINUTE, 3, 1, Duration.ofMillis(39_500)), status);
        assertEquals(40, status.resetSeconds());
        assertEquals(8, limiter.status("b").orElseThrow().remaining());
    }

    @Test
    void aRefusalTellsTheModelWhatToWaitFor() {
        Admission.Refused refusal = new Admission.Refused(LimitType.PER_CLIENT_PER_MINUTE, 20, 0,
                Duration.ofMillis(12_001));
        assertEquals(Map.of("limit_type", "per_client_per_minute", "limit", 20L, "remaining", 0L, "retry_after", 13L),
                refusal.details());
        assertEquals(List.of("limit_type", "limit", "remaining", "retry_after"),
                List.copyOf(refusal.details().keySet()));
        assertEquals("Rate limit exceeded: this server allows 20 requests per minute from this client, and 0 remain in "
                + "the current window. Wait 13 seconds before trying again; retrying sooner will be refused.",
                refusal.message());
        assertThrows(IllegalArgumentException.class,
                () -> new Admission.Refused(LimitType.TOKENS_PER_HOUR, 1, 0, Duration.ZERO));
    }

    @Test
    void theClientKeyFollowsClientIdentifier() {
        for (ClientIdentifier mode : ClientIdentifier.values()) {
            RateLimiter limiter = new RateLimiter(
                    new RateLimitConfig(true, 1, 1, 1, mode, 1, 1, RateLimitStrategy.REJECT,
                            Duration.ofSeconds(30), true, false),
                    ticker);
            String http = limiter.clientKey("s1", "10.0.0.7");
            assertEquals(mode == ClientIdentifier.SESSION ? "session:s1" : "ip:10.0.0.7", http, mode.name());
            assertEquals("session:s1", limiter.clientKey("s1", null), mode.name());
            // an authenticated caller is one client wherever it comes from, unless ip or session is asked for
            String principal = limiter.clientKey("s1", "10.0.0.7", "alice");
            assertEquals(switch (mode) {
                case AUTO -> "principal:alice";
                case IP -> "ip:10.0.0.7";
                case SESSION -> "session:s1";
            }, principal, mode.name());
        }
    }

    @Test
    void callersOfOnePrincipalShareOneBudgetAcrossAddresses() {
        RateLimiter limiter = new RateLimiter(new RateLimitConfig(true, 100, 1000, 2, ClientIdentifier.AUTO, 1, 1,
                RateLimitStrategy.REJECT, Duration.ofSeconds(30), true, false), ticker);
        assertInstanceOf(Admission.Granted.class,
                limiter.acquireRequest(limiter.clientKey("s1", "10.0.0.1", "alice"), hook -> {}));
        assertInstanceOf(Admission.Granted.class,
                limiter.acquireRequest(limiter.clientKey("s2", "10.0.0.2", "alice"), hook -> {}));
        assertInstanceOf(Admission.Refused.class,
                limiter.acquireRequest(limiter.clientKey("s3", "10.0.0.3", "alice"), hook -> {}),
                "alice's third call in the minute, from a third address");
        assertInstanceOf(Admission.Granted.class,
                limiter.acquireRequest(limiter.clientKey("s1", "10.0.0.1", "bob"), hook -> {}),
                "bob has a budget of his own, from alice's address");
    }

    @Test
    void tokenEstimatesRoundUpAndCountNonAsciiCharactersWhole() {
        assertEquals(0, RateLimiter.estimateTokens(""));
        assertEquals(1, RateLimiter.estimateTokens("abc"));
        assertEquals(2, RateLimiter.estimateTokens("abcde"));
        assertEquals(4 + 1, RateLimiter.estimateTokens("订单数量 ")); // four CJK characters, one space rounded up
        assertEquals(1, RateLimiter.estimateTokens("😀"), "a surrogate pair is one character");
    }

    @Test
    void negativeTokenCountsAreBugs() {
        RateLimiter limiter = limiter(1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> limiter.acquireTokens(-1, Cancellation.NONE));
        assertThrows(IllegalArgumentException.class, () -> limiter.chargeTokens(5, -1));
    }

    /** Where the ticker starts; {@code AcrossTheWrap} subclasses start it just before it overflows. */
    FakeTicker startTicker() {
        return new FakeTicker();
    }
}
