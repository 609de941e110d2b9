package io.pgmcp.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.BackoffStrategyType;
import io.pgmcp.config.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(30);

    /** A jitter source that always draws {@code value} from [0, 1). */
    private static RandomGenerator drawing(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only nextDouble is drawn");
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    private static List<Duration> delays(Backoff backoff, int count) {
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; attempt <= count; attempt++) {
            delays.add(backoff.delay(attempt));
        }
        return delays;
    }

    private static List<Duration> seconds(long... values) {
        List<Duration> list = new ArrayList<>();
        for (long v : values) {
            list.add(Duration.ofSeconds(v));
        }
        return list;
    }

    @Test
    void exponentialDoublesFromTheInitialDelayUpToTheCap() {
        Backoff backoff = new ExponentialBackoff(SECOND, MAX, 2.0, 0.0, drawing(0.9));
        assertEquals(seconds(1, 2, 4, 8, 16, 30, 30), delays(backoff, 7));
    }

    @Test
    void exponentialJitterMiddleDrawLeavesTheDelayExact() {
        Backoff backoff = new ExponentialBackoff(SECOND, MAX, 2.0, 0.25, drawing(0.5));
        assertEquals(seconds(1, 2, 4, 8, 16, 30), delays(backoff, 6));
    }

    @Test
    void exponentialJitterSpansMinusToPlusTwentyFivePercent() {
        Backoff low = new ExponentialBackoff(SECOND, MAX, 2.0, 0.25, drawing(0.0));
        Backoff high = new ExponentialBackoff(SECOND, MAX, 2.0, 0.25, drawing(Math.nextDown(1.0)));
        assertEquals(Duration.ofMillis(750), low.delay(1));
        assertEquals(Duration.ofMillis(3000), low.delay(3));
        assertEquals(Duration.ofMillis(1250), high.delay(1));
        assertEquals(Duration.ofMillis(5000), high.delay(3));
    }

    @Test
    void exponentialJitterNeverPushesPastTheCap() {
        Backoff high = new ExponentialBackoff(SECOND, MAX, 2.0, 0.25, drawing(Math.nextDown(1.0)));
        assertEquals(Duration.ofSeconds(20), high.delay(5), "16 s + 25 %");
        assertEquals(MAX, high.delay(6), "32 s + 25 % is capped");
    }

    @Test
    void exponentialWithSeededRandomStaysWithinTheJitterBand() {
        Backoff backoff = new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), 3.0, 0.25,
                new Random(7));
        for (int attempt = 1; attempt <= 12; attempt++) {
            double base = Math.min(100.0 * Math.pow(3.0, attempt - 1), 10_000.0);
            long millis = backoff.delay(attempt).toMillis();
            assertTrue(millis <= 10_000, "attempt " + attempt + ": " + millis + " ms over the cap");
            assertTrue(millis >= Math.min(base * 0.75, 10_000) - 1 && millis <= base * 1.25 + 1,
                    "attempt " + attempt + ": " + millis + " ms outside ±25 % of " + base);
        }
    }

    @Test
    void exponentialSurvivesHugeAttemptNumbers() {
        Backoff backoff = new ExponentialBackoff(SECOND, MAX, 2.0, 0.25, drawing(0.0));
        assertEquals(MAX, backoff.delay(Integer.MAX_VALUE));
    }

    @Test
    void fixedWaitsTheSameEveryTime() {
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(500)),
                delays(new FixedBackoff(Duration.ofMillis(500)), 3));
    }

    @Test
    void fibonacciGrowsByTheSequenceUpToTheCap() {
        Backoff backoff = new FibonacciBackoff(SECOND, Duration.ofSeconds(10));
        assertEquals(seconds(1, 1, 2, 3, 5, 8, 10, 10), delays(backoff, 8));
        assertEquals(Duration.ofSeconds(10), backoff.delay(Integer.MAX_VALUE));
    }

    @Test
    void fibonacciScalesWithTheBase() {
        Backoff backoff = new FibonacciBackoff(Duration.ofMillis(200), MAX);
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofMillis(600), Duration.ofMillis(1000)), delays(backoff, 5));
    }

    @Test
    void attemptsStartAtOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FixedBackoff(SECOND).delay(0));
        assertEquals("attempt must be at least 1, got 0", e.getMessage());
    }

    @Test
    void nonsenseSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new ExponentialBackoff(SECOND, MAX, 0.5, 0.25, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialBackoff(SECOND, MAX, 2.0, 1.5, new Random()));
        assertThrows(IllegalArgumentException.class,
                () -> new ExponentialBackoff(Duration.ZERO, MAX, 2.0, 0.25, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new FixedBackoff(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> new FibonacciBackoff(SECOND, Duration.ZERO));
    }

    @Test
    void retryConfigPicksTheStrategy() {
        RandomGenerator random = drawing(0.5);
        Backoff exponential = Backoff.from(RetryConfig.openaiDefaults(), random);
        assertEquals(new ExponentialBackoff(SECOND, MAX, 2.0, 0.25, random), exponential);

        Backoff fixed = Backoff.from(RetryConfig.databaseDefaults(), random);
        assertEquals(new FixedBackoff(Duration.ofMillis(500)), fixed);

        Backoff fibonacci = Backoff.from(new RetryConfig(3, BackoffStrategyType.FIBONACCI, Duration.ofMillis(250),
                Duration.ofSeconds(2), 2.0), random);
        assertInstanceOf(FibonacciBackoff.class, fibonacci);
        assertEquals(Duration.ofSeconds(2), fibonacci.delay(10));
    }
}
