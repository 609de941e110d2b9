package io.pgmcp.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.db.Database;
import io.pgmcp.db.PoolFixture;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Before the first catalog has loaded, a call waits for the load under way (the background one at
 * start-up) instead of running a second one beside it; it still gets an attempt of its own when that load
 * fails. The loader stamps each catalog at the end of its load, so the stamping clock counts the loads and
 * holds one in flight.
 */
@Timeout(60)
class CatalogHolderJoinTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int PRIMARY KEY)");

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    /** Counts the loads; the first one stops at its end until released, and fails there when told to. */
    private static final class FirstLoadHeld implements InstantSource {
        final AtomicInteger loads = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final boolean firstFails;

        FirstLoadHeld(boolean firstFails) {
            this.firstFails = firstFails;
        }

        @Override
        public Instant instant() {
            if (loads.incrementAndGet() == 1) {
                entered.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                if (firstFails) {
                    throw new IllegalStateException("the first load fails");
                }
            }
            return AT;
        }
    }

    private static Database database() {
        return PoolFixture.database(db.get(), PoolFixture.settings("join", 0, 2, Duration.ofSeconds(10)),
                Ticker.system());
    }

    private static CatalogHolder holder(Database database, FirstLoadHeld clock) {
        return new CatalogHolder(database, new CatalogLoader(clock), Set.of(), InstantSource.fixed(AT));
    }

    @Test
    void aCallWaitsForTheLoadUnderWayInsteadOfLoadingAgain() throws Exception {
        FirstLoadHeld clock = new FirstLoadHeld(false);
        try (Database database = database()) {
            CatalogHolder holder = holder(database, clock);
            Both both = backgroundThenCall(holder, clock);
            Catalog first = both.background().get(30, TimeUnit.SECONDS);
            assertSame(first, both.call().get(30, TimeUnit.SECONDS),
                    "the call got the catalog the load under way loaded");
            assertEquals(1, clock.loads.get(), "one load, not two");
            assertSame(first, holder.loaded(TIMEOUT), "then the catalog held, without a load");
            assertEquals(1, clock.loads.get());
        }
    }

    @Test
    void aCallLoadsItselfWhenTheLoadItWaitedForFails() throws Exception {
        FirstLoadHeld clock = new FirstLoadHeld(true);
        try (Database database = database()) {
            CatalogHolder holder = holder(database, clock);
            Both both = backgroundThenCall(holder, clock);
            assertThrows(Exception.class, () -> both.background().get(30, TimeUnit.SECONDS));
            Catalog own = both.call().get(30, TimeUnit.SECONDS);
            assertEquals(2, clock.loads.get(), "the call ran a load of its own");
            assertSame(own, holder.current().orElseThrow());
        }
    }

    @Test
    void withNoLoadUnderWayACallLoads() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        try (Database database = database()) {
            CatalogHolder holder = new CatalogHolder(database, new CatalogLoader(() -> {
                loads.incrementAndGet();
                return AT;
            }), Set.of(), InstantSource.fixed(AT));
            Catalog loaded = holder.loaded(TIMEOUT);
            assertEquals(1, loads.get());
            assertSame(loaded, holder.current().orElseThrow());
        }
    }

    private record Both(CompletableFuture<Catalog> background, CompletableFuture<Catalog> call) {}

    /**
     * Starts the background load and holds it at its end; then starts a call's, waits until that call waits
     * (for the load under way) or has ended (it did not wait), and lets the background load finish.
     */
    private static Both backgroundThenCall(CatalogHolder holder, FirstLoadHeld clock) throws InterruptedException {
        CompletableFuture<Catalog> background = CompletableFuture.supplyAsync(() -> load(holder, true));
        assertTrue(clock.entered.await(30, TimeUnit.SECONDS), "the background load started");
        CompletableFuture<Catalog> call = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().name("join-test-call").start(() -> {
            try {
                call.complete(load(holder, false));
            } catch (RuntimeException | Error e) {
                call.completeExceptionally(e);
            }
        });
        for (int i = 0; i < 6_000 && caller.isAlive() && caller.getState() != Thread.State.TIMED_WAITING; i++) {
            Thread.sleep(5);
        }
        clock.release.countDown();
        return new Both(background, call);
    }

    private static Catalog load(CatalogHolder holder, boolean refresh) {
        try {
            return refresh ? holder.refresh(TIMEOUT) : holder.loaded(TIMEOUT);
        } catch (io.pgmcp.db.DatabaseException e) {
            throw new IllegalStateException(e);
        }
    }
}
