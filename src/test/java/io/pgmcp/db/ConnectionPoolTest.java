package io.pgmcp.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.PostgresDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConnectionPoolTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql();

    private static final Duration LONG = Duration.ofSeconds(30);

    private ConnectionPool pool(PoolSettings settings, Ticker ticker) {
        return new ConnectionPool(settings, PoolFixture.factory(db.get()), ticker);
    }

    private static PoolSettings settings(int min, int max, Duration maxLifetime, Duration validateAfterIdle) {
        return new PoolSettings("pooltest", min, max, LONG, maxLifetime, validateAfterIdle, Duration.ofSeconds(2),
                Duration.ofMinutes(10));
    }

    @Test
    void twoHundredBorrowersShareFiveConnectionsWithoutEverSharingOne() throws Exception {
        try (ConnectionPool pool = pool(PoolFixture.settings("concurrent", 0, 5, LONG), Ticker.system())) {
            AtomicInteger lent = new AtomicInteger();
            AtomicInteger maxLent = new AtomicInteger();
            Set<Connection> inUse = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
            Set<Integer> pids = ConcurrentHashMap.newKeySet();
            List<Future<?>> borrowers = new ArrayList<>();
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    borrowers.add(executor.submit(() -> {
                        try (Lease lease = pool.acquire()) {
                            Connection connection = lease.connection();
                            maxLent.accumulateAndGet(lent.incrementAndGet(), Math::max);
                            if (!inUse.add(connection)) {
                                throw new AssertionError("a connection was lent to two borrowers at once");
                            }
                            try (Statement st = connection.createStatement();
                                    ResultSet rs = st.executeQuery("SELECT pg_backend_pid() FROM pg_sleep(0.002)")) {
                                rs.next();
                                pids.add(rs.getInt(1));
                            }
                            inUse.remove(connection);
                            lent.decrementAndGet();
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> borrower : borrowers) {
                borrower.get(); // rethrows any borrower's failure
            }
            assertTrue(maxLent.get() <= 5, "at most 5 lent at once, saw " + maxLent.get());
            assertTrue(pids.size() <= 5, "at most 5 backends, saw " + pids);
            PoolStats stats = pool.stats();
            assertTrue(stats.total() <= 5, stats.toString());
            assertEquals(0, stats.active(), stats.toString());
            assertEquals(stats.total(), stats.idle(), stats.toString());
            assertEquals(0, stats.waiting(), stats.toString());
        }
    }

    @Test
    void exhaustedPoolTimesOutWithItsStateInTheMessage() throws Exception {
        try (ConnectionPool pool = pool(PoolFixture.settings("exhausted", 0, 1, Duration.ofMillis(200)),
                Ticker.system());
                Lease held = pool.acquire()) {
            long started = System.nanoTime();
            PoolTimeoutException e = assertThrows(PoolTimeoutException.class, pool::acquire);
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(waitedMs >= 190 && waitedMs < 2_000, "waited " + waitedMs + " ms for a 200 ms acquire timeout");
            assertTrue(e.getMessage().contains("'exhausted'"), e.getMessage());
            assertTrue(e.getMessage().contains("total=1, active=1, idle=0, waiting=0"), e.getMessage());
            assertTrue(SqlFailure.isConnectionClass(e), "a pool timeout is a connection-class failure");
            assertTrue(held.connection().isValid(1), "the held connection is untouched");
        }
    }

    @Test
    void backendKilledWhileIdleIsReplacedForTheNextBorrower() throws Exception {
        FakeTicker ticker = new FakeTicker();
        try (ConnectionPool pool = pool(settings(0, 2, Duration.ofMinutes(30), Duration.ofSeconds(1)), ticker)) {
            int killed;
            try (Lease lease = pool.acquire()) {
                killed = PoolFixture.backendPid(lease.connection());
            }
            terminate(killed);
            ticker.advance(Duration.ofSeconds(2)); // idle longer than validateAfterIdle: checked before lending

            try (Lease lease = pool.acquire()) {
                int pid = PoolFixture.backendPid(lease.connection());
                assertNotEquals(killed, pid, "the dead connection must not be lent");
            }
            assertEquals(new PoolStats(1, 1, 0, 0), pool.stats(), "the dead one is no longer counted");
        }
    }

    @Test
    void connectionIsReplacedOnceItsLifetimeHasPassed() throws Exception {
        FakeTicker ticker = new FakeTicker();
        Duration lifetime = Duration.ofMinutes(30);
        try (ConnectionPool pool = pool(settings(0, 2, lifetime, Duration.ofHours(1)), ticker)) {
            int first;
            try (Lease lease = pool.acquire()) {
                first = PoolFixture.backendPid(lease.connection());
            }
            ticker.advance(Duration.ofMinutes(29)); // short of the lifetime minus the most jitter (2.5 %)
            try (Lease lease = pool.acquire()) {
                assertEquals(first, PoolFixture.backendPid(lease.connection()), "still within its lifetime");
            }
            ticker.advance(Duration.ofMinutes(2));
            try (Lease lease = pool.acquire()) {
                assertNotEquals(first, PoolFixture.backendPid(lease.connection()), "retired after its lifetime");
            }
            assertEquals(1, pool.stats().total(), pool.stats().toString());
        }
    }

    @Test
    void maintainRetiresExpiredIdleConnectionsAndTopsUpToMinSize() throws Exception {
        FakeTicker ticker = new FakeTicker();
        try (ConnectionPool pool = pool(settings(1, 3, Duration.ofMinutes(30), Duration.ofHours(1)), ticker)) {
            pool.maintain();
            assertEquals(new PoolStats(1, 1, 0, 0), pool.stats(), "maintain opens up to minSize");

            Set<Integer> old = new java.util.HashSet<>();
            try (Lease a = pool.acquire(); Lease b = pool.acquire()) {
                old.add(PoolFixture.backendPid(a.connection()));
                old.add(PoolFixture.backendPid(b.connection()));
            }
            assertEquals(new PoolStats(2, 2, 0, 0), pool.stats());

            ticker.advance(Duration.ofMinutes(31));
            pool.maintain();
            assertEquals(new PoolStats(1, 1, 0, 0), pool.stats(), "both retired, one opened for minSize");
            try (Lease lease = pool.acquire()) {
                int pid = PoolFixture.backendPid(lease.connection());
                assertFalse(old.contains(pid), "the idle connection is new, not one of " + old);
            }
            waitUntil(() -> backendsGone(old), "retired backends to exit");
        }
    }

    @Test
    void maintainClosesIdleConnectionsBeyondMinSizeAfterTheIdleTimeout() throws Exception {
        FakeTicker ticker = new FakeTicker();
        try (ConnectionPool pool = pool(settings(1, 3, Duration.ofHours(2), Duration.ofHours(1)), ticker)) {
            List<Lease> leases = List.of(pool.acquire(), pool.acquire(), pool.acquire());
            assertEquals(3, pool.stats().active());
            leases.forEach(Lease::close);
            ticker.advance(Duration.ofMinutes(11));
            pool.maintain();
            assertEquals(new PoolStats(1, 1, 0, 0), pool.stats(), "idle beyond minSize closed, minSize kept");
        }
    }

    @Test
    void failedValidationsDoNotExtendTheAcquireDeadline() throws Exception {
        FakeTicker ticker = new FakeTicker();
        AtomicBoolean healthy = new AtomicBoolean(true);
        PgConnectionFactory real = PoolFixture.factory(db.get());
        ConnectionFactory slowToValidate = () -> {
            Connection connection = real.open();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[]{Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("isValid")) {
                            ticker.advance(Duration.ofMillis(300)); // each check takes 300 ms and finds the connection dead
                            return healthy.get();
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
        PoolSettings settings = new PoolSettings("deadline", 0, 3, Duration.ofMillis(500), Duration.ofMinutes(30),
                Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(10));
        try (ConnectionPool pool = new ConnectionPool(settings, slowToValidate, ticker)) {
            List<Lease> leases = List.of(pool.acquire(), pool.acquire(), pool.acquire());
            leases.forEach(Lease::close);
            healthy.set(false);

            long started = ticker.read();
            PoolTimeoutException e = assertThrows(PoolTimeoutException.class, pool::acquire);
            long spentMs = (ticker.read() - started) / 1_000_000;
            assertEquals(600, spentMs,
                    "two checks, then the 500 ms deadline has passed: no third check, no new connection");
            assertTrue(e.getMessage().contains("'deadline'"), e.getMessage());
            assertEquals(new PoolStats(1, 1, 0, 0), pool.stats(), "the unchecked connection stays idle");
        }
    }

    @Test
    void evictedLeaseIsClosedNotReused() throws Exception {
        try (ConnectionPool pool = pool(PoolFixture.settings("evict", 0, 2, LONG), Ticker.system())) {
            Connection evicted;
            int pid;
            try (Lease lease = pool.acquire()) {
                evicted = lease.connection();
                pid = PoolFixture.backendPid(evicted);
                lease.evict();
            }
            assertTrue(evicted.isClosed());
            assertEquals(new PoolStats(0, 0, 0, 0), pool.stats());
            try (Lease lease = pool.acquire()) {
                assertNotEquals(pid, PoolFixture.backendPid(lease.connection()));
            }
        }
    }

    @Test
    void returnedLeaseCannotBeUsedAgain() throws Exception {
        try (ConnectionPool pool = pool(PoolFixture.settings("returned", 0, 1, LONG), Ticker.system())) {
            Lease lease = pool.acquire();
            lease.close();
            lease.close(); // idempotent: the connection is not returned twice
            assertThrows(IllegalStateException.class, lease::connection);
            assertEquals(new PoolStats(1, 1, 0, 0), pool.stats());
        }
    }

    @Test
    void closeClosesIdleConnectionsNowAndLentOnesWhenReturned() throws Exception {
        ConnectionPool pool = pool(PoolFixture.settings("closing", 0, 2, LONG), Ticker.system());
        Lease lent = pool.acquire();
        Connection lentConnection = lent.connection();
        Connection idle;
        try (Lease lease = pool.acquire()) {
            idle = lease.connection();
        }
        pool.close();
        assertTrue(idle.isClosed(), "idle connections close at once");
        assertFalse(lentConnection.isClosed(), "a lent connection is left to its borrower");
        lent.close();
        assertTrue(lentConnection.isClosed(), "and closed when it comes back");
        assertEquals(new PoolStats(0, 0, 0, 0), pool.stats());
        DatabaseException e = assertThrows(DatabaseException.class, pool::acquire);
        assertInstanceOf(SQLNonTransientConnectionException.class, e.getCause());
        assertTrue(e.getMessage().contains("'closing' is closed"), e.getMessage());
        pool.close(); // idempotent
    }

    @Test
    void closeWakesWaitingBorrowersWithAnError() throws Exception {
        ConnectionPool pool = pool(PoolFixture.settings("closewaiters", 0, 1, LONG), Ticker.system());
        Lease held = pool.acquire();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Lease> waiter = executor.submit(() -> pool.acquire());
            waitUntil(() -> pool.stats().waiting() == 1, "the second borrower to wait");
            long started = System.nanoTime();
            pool.close();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> waiter.get(5, TimeUnit.SECONDS));
            assertTrue(
                    e.getCause() instanceof DatabaseException d
                            && d.getCause() instanceof SQLNonTransientConnectionException,
                    String.valueOf(e.getCause()));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "woken, not timed out");
        }
        held.close();
        assertEquals(new PoolStats(0, 0, 0, 0), pool.stats(), "the held connection closed on return");
    }

    @Test
    void awaitIdleDoesNotStealTheWakeupOfAWaitingBorrower() throws Exception {
        ConnectionPool pool = pool(PoolFixture.settings("drain", 0, 1, Duration.ofSeconds(3)), Ticker.system());
        Lease held = pool.acquire();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Thread drainer = Thread.ofVirtual().start(() -> {
                try {
                    pool.awaitIdle(Duration.ofSeconds(10)); // shutting down: waits for the held connection
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            waitUntil(() -> drainer.getState() == Thread.State.TIMED_WAITING, "the drainer to wait");
            Future<Lease> borrower = executor.submit(() -> pool.acquire()); // an in-flight call's next acquire
            waitUntil(() -> pool.stats().waiting() == 1, "the borrower to wait");

            long started = System.nanoTime();
            held.close();
            try (Lease lease = borrower.get(5, TimeUnit.SECONDS)) {
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMs < 1_000, "the borrower got the returned connection after " + tookMs + " ms");
                assertTrue(lease.connection().isValid(1));
            }
            drainer.join(Duration.ofSeconds(5));
        } finally {
            pool.close();
        }
    }

    @Test
    void factoryFailurePropagatesWithoutLeakingPoolCapacity() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        PgConnectionFactory real = PoolFixture.factory(db.get());
        SQLException outage = new SQLException("server is down", "08001");
        ConnectionFactory flaky = () -> {
            if (failing.get()) {
                throw outage;
            }
            return real.open();
        };
        try (ConnectionPool pool = new ConnectionPool(PoolFixture.settings("flaky", 0, 2, LONG), flaky,
                Ticker.system())) {
            for (int i = 0; i < 5; i++) { // more attempts than maxSize: a leaked slot would make one wait
                DatabaseException e = assertThrows(DatabaseException.class, pool::acquire);
                assertSame(outage, e.getCause());
            }
            assertEquals(new PoolStats(0, 0, 0, 0), pool.stats());

            failing.set(false);
            try (Lease a = pool.acquire(); Lease b = pool.acquire()) {
                assertTrue(a.connection().isValid(1) && b.connection().isValid(1));
            }
            assertEquals(new PoolStats(2, 2, 0, 0), pool.stats());
        }
    }

    @Test
    void factoryRuntimeExceptionBecomesConnectionFailureWithCauseChained() {
        IllegalStateException bug = new IllegalStateException("factory bug");
        ConnectionFactory broken = () -> {
            throw bug;
        };
        try (ConnectionPool pool = new ConnectionPool(PoolFixture.settings("broken", 0, 1, LONG), broken,
                Ticker.system())) {
            DatabaseException e = assertThrows(DatabaseException.class, pool::acquire);
            assertSame(bug, e.getCause().getCause());
            assertTrue(e.getMessage().contains("'broken'"), e.getMessage());
            assertTrue(SqlFailure.isConnectionClass(e));
            assertEquals(new PoolStats(0, 0, 0, 0), pool.stats());
        }
    }

    @Test
    void maintainSurvivesFactoryFailureAndRecovers() {
        AtomicBoolean failing = new AtomicBoolean(true);
        PgConnectionFactory real = PoolFixture.factory(db.get());
        ConnectionFactory flaky = () -> {
            if (failing.get()) {
                throw new SQLException("server is down", "08001");
            }
            return real.open();
        };
        try (ConnectionPool pool = new ConnectionPool(PoolFixture.settings("flakymaintain", 2, 3, LONG), flaky,
                Ticker.system())) {
            pool.maintain();
            assertEquals(new PoolStats(0, 0, 0, 0), pool.stats(), "no slot leaked by failed opens");
            failing.set(false);
            pool.maintain();
            assertEquals(new PoolStats(2, 2, 0, 0), pool.stats());
        }
    }

    @Test
    void slotsMaintainReservedAreHandedToWaitingBorrowersWhenItsOpenFails() throws Exception {
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean failing = new AtomicBoolean(true);
        PgConnectionFactory real = PoolFixture.factory(db.get());
        ConnectionFactory stalling = () -> {
            if (failing.get()) {
                opening.countDown();
                try {
                    release.await(); // the server hangs, then refuses
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                failing.set(false);
                throw new SQLException("server is down", "08001");
            }
            return real.open();
        };
        ConnectionPool pool = new ConnectionPool(PoolFixture.settings("reserved", 2, 2, Duration.ofSeconds(3)),
                stalling,
                Ticker.system());
        try (pool; ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> maintenance = executor.submit(pool::maintain); // reserves both slots, hangs opening the first
            opening.await();
            List<Future<Lease>> borrowers = List.of(executor.submit(() -> pool.acquire()),
                    executor.submit(() -> pool.acquire()));
            waitUntil(() -> pool.stats().waiting() == 2, "both borrowers to wait");

            long started = System.nanoTime();
            release.countDown(); // maintain's open fails: both reserved slots are free again
            List<Lease> leases = new ArrayList<>();
            for (Future<Lease> borrower : borrowers) {
                leases.add(borrower.get(5, TimeUnit.SECONDS)); // held: one borrower's return cannot serve the other
            }
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            leases.forEach(Lease::close);
            assertTrue(tookMs < 1_500, "both borrowers served after " + tookMs + " ms (acquire timeout 3000 ms)");
            maintenance.get(5, TimeUnit.SECONDS);
        }
    }

    private void terminate(int pid) throws Exception {
        try (Connection admin = db.get().connect();
                PreparedStatement st = admin.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
            st.setInt(1, pid);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                assertTrue(rs.getBoolean(1), "backend " + pid + " terminated");
            }
        }
    }

    private boolean backendsGone(Set<Integer> pids) {
        try (Connection admin = db.get().connect();
                PreparedStatement st = admin
                        .prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(?)")) {
            st.setArray(1, admin.createArrayOf("int4", pids.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
