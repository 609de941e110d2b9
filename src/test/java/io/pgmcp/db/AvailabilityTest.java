package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.RetryConfig;
import io.pgmcp.resilience.ExponentialBackoff;
import io.pgmcp.testing.FakeTicker;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The up/down state of a database and its probe schedule, on a fake ticker: nothing here sleeps. */
class AvailabilityTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    final FakeTicker ticker = startTicker();
    // no jitter: 0.5 s, 1 s, 2 s, 4 s, then 5 s
    private final Availability availability = new Availability("main",
            new ExponentialBackoff(Duration.ofMillis(500), Availability.MAX_PROBE_INTERVAL, 2.0, 0.0, new Random()),
            ticker, InstantSource.fixed(T0));

    private static DatabaseException refused() {
        return DatabaseException.of(new SQLException("Connection to 127.0.0.1:5432 refused.", "08001"));
    }

    @Test
    void upUntilAFailureIsReported() throws DatabaseDownException {
        assertTrue(availability.isUp());
        assertInstanceOf(Availability.Up.class, availability.health());
        availability.check();
        assertFalse(availability.probeDue());
        assertEquals(-1, availability.beginProbe(), "no probe while up");
    }

    @Test
    void downFailsCallsAtOnceSayingSinceWhenWhyAndWhenItIsProbed() throws DatabaseDownException {
        long generation = availability.check();
        DatabaseException cause = refused();
        DatabaseDownException thrown = availability.markDown(cause, generation).orElseThrow();
        assertSame(cause, thrown.getCause());
        assertEquals("08001", thrown.failure().sqlState());
        ticker.advance(Duration.ofMillis(200));

        DatabaseDownException e = assertThrows(DatabaseDownException.class, availability::check);
        Availability.Down down = e.down();
        assertEquals("main", e.database());
        assertEquals(T0, down.since());
        assertEquals(Duration.ofMillis(200), down.downFor());
        assertEquals("Connection to 127.0.0.1:5432 refused.", down.lastError().message());
        assertEquals(Duration.ofMillis(300), down.nextProbeIn());
        assertTrue(e.getMessage().contains("database 'main' is unavailable since 2026-01-02T03:04:05Z"),
                e.getMessage());
        assertEquals(1, availability.outages());
    }

    @Test
    void aLaterFailureKeepsSinceAndTakesTheNewerError() throws DatabaseDownException {
        long generation = availability.check();
        availability.markDown(refused(), generation);
        ticker.advance(Duration.ofSeconds(1));
        availability.markDown(DatabaseException.of(new SQLException("the database system is starting up", "57P03")),
                generation + 1);
        Availability.Down down = (Availability.Down) availability.health();
        assertEquals(T0, down.since());
        assertEquals("57P03", down.lastError().sqlState());
        assertEquals(1, availability.outages(), "one outage, not two");
    }

    @Test
    void probesBackOffExponentiallyUpToFiveSeconds() {
        availability.markDown(refused(), 0);
        List<Long> waits = new ArrayList<>();
        for (int probe = 0; probe < 7; probe++) {
            long waited = 0;
            while (!availability.probeDue()) {
                ticker.advance(Duration.ofMillis(100));
                waited += 100;
            }
            waits.add(waited);
            long generation = availability.beginProbe();
            assertTrue(generation >= 0);
            assertEquals(-1, availability.beginProbe(), "the next probe is not due yet");
            availability.probeFailed(generation, refused());
        }
        assertEquals(List.of(500L, 1000L, 2000L, 4000L, 5000L, 5000L, 5000L), waits);
        assertEquals(7, ((Availability.Down) availability.health()).probes());
    }

    @Test
    void aSuccessfulProbeBringsTheDatabaseBack() throws DatabaseDownException {
        availability.markDown(refused(), availability.check());
        ticker.advance(Duration.ofSeconds(1));
        long probe = availability.beginProbe();
        availability.probeSucceeded(probe);
        assertTrue(availability.isUp());
        availability.check();
    }

    @Test
    void resultsFromBeforeARecoveryChangeNothing() throws DatabaseDownException {
        long before = availability.check();
        availability.markDown(refused(), before);
        ticker.advance(Duration.ofSeconds(1));
        long stuckProbe = availability.beginProbe(); // hangs on a stalled link...
        ticker.advance(Duration.ofSeconds(1));
        long goodProbe = availability.beginProbe(); // ...while the next one, on schedule, gets through
        availability.probeSucceeded(goodProbe);
        assertTrue(availability.isUp());

        availability.probeFailed(stuckProbe, refused()); // the stuck probe gives up late
        assertTrue(availability.markDown(refused(), before).isEmpty(), "a call from before the outage fails late");
        assertTrue(availability.isUp(), "stale results do not take the database down again");
        long now = availability.check();
        availability.markDown(refused(), now); // a failure of a call made now does
        assertFalse(availability.isUp());
    }

    @Test
    void checkRacingARecoveryThrowsOnlyDatabaseDownException() throws Exception {
        // check() used to read the state twice; a recovery in between made it throw ClassCastException
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> unexpected = new java.util.concurrent.atomic.AtomicReference<>();
        // System.Logger goes to java.util.logging here: two lines per flip would be most of the work
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(Availability.class.getName());
        java.util.logging.Level level = log.getLevel();
        log.setLevel(java.util.logging.Level.OFF);
        List<Thread> checkers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            checkers.add(Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    try {
                        availability.check();
                    } catch (DatabaseDownException expected) {
                        // down at that moment
                    } catch (Throwable t) {
                        unexpected.compareAndSet(null, t);
                    }
                }
            }));
        }
        try {
            for (int flip = 0; flip < 100_000 && unexpected.get() == null; flip++) {
                availability.markDown(refused(), availability.generation());
                ticker.advance(Availability.MAX_PROBE_INTERVAL);
                availability.probeSucceeded(availability.beginProbe());
            }
        } finally {
            done.set(true);
            for (Thread checker : checkers) {
                checker.join();
            }
            log.setLevel(level);
        }
        assertEquals(null, unexpected.get(), () -> "check() threw " + unexpected.get());
    }

    @Test
    void probeScheduleFollowsRetryDatabase() {
        RetryConfig fixedHalfSecond = RetryConfig.databaseDefaults();
        ExponentialBackoff backoff = (ExponentialBackoff) Availability.probeBackoff(fixedHalfSecond, new Random(1));
        assertEquals(Duration.ofMillis(500), backoff.initial());
        assertEquals(Availability.MAX_PROBE_INTERVAL, backoff.max());
        Duration first = backoff.delay(1);
        assertTrue(first.compareTo(Duration.ofMillis(375)) >= 0 && first.compareTo(Duration.ofMillis(625)) <= 0,
                first.toString());
    }

    /** Where the ticker starts; {@code AcrossTheWrap} subclasses start it just before it overflows. */
    FakeTicker startTicker() {
        return new FakeTicker();
    }
}
