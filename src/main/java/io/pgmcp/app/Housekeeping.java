package io.pgmcp.app;

import io.pgmcp.db.Database;
import io.pgmcp.db.SqlFailure;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Background work for the databases: the first catalog load (retried with backoff, 1 s doubling to
 * 60 s, until the database answers), the periodic refresh every {@code cache_refresh_interval}, pool
 * maintenance every 30 s, and the recovery probes of databases that are down (looked for every
 * {@value #PROBE_TICK_MILLIS} ms; when a probe is due is {@link io.pgmcp.db.Availability}'s business),
 * after which a catalog never loaded is loaded at once. A single daemon timer thread only dispatches;
 * the work runs on virtual threads. Failures are logged and retried, never thrown. {@link #close}
 * interrupts catalog loads under way: a process told to stop (a client's probe process, a rolling
 * deploy) must not wait for a schema query, whose connection the databases' close would wait for.
 */
final class Housekeeping implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(Housekeeping.class.getName());
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(60);
    private static final Duration POOL_MAINTENANCE = Duration.ofSeconds(30);
    static final long PROBE_TICK_MILLIS = 100;
    /** The statement timeout of a probe's {@code SELECT 1}. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final List<Database> databases;
    private final Duration refreshInterval;
    private final Duration loadTimeout;
    private final Consumer<Database> firstLoaded;
    private final Set<Database> loaded = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pg-mcp-housekeeping").factory());
    /** The catalog loads under way, for {@link #close} to interrupt. */
    private final Set<Thread> loading = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Housekeeping(List<Database> databases, Duration refreshInterval, Duration loadTimeout) {
        this(databases, refreshInterval, loadTimeout, database -> { });
    }

    /**
     * @param firstLoaded run once per database, on the loading thread, after the first catalog load
     *                    that housekeeping completes (the start-up check of its role against its policy)
     */
    Housekeeping(List<Database> databases, Duration refreshInterval, Duration loadTimeout, Consumer<Database> firstLoaded) {
        this.databases = databases;
        this.refreshInterval = refreshInterval;
        this.loadTimeout = loadTimeout;
        this.firstLoaded = firstLoaded;
    }

    private void loadedOnce(Database database) {
        if (loaded.add(database)) {
            try {
                firstLoaded.accept(database);
            } catch (RuntimeException e) {
                logger.log(System.Logger.Level.ERROR, "database ''" + database.name() + "'': the check after the first schema load failed", e);
            }
        }
    }

    void start() {
        for (Database database : databases) {
            later(Duration.ZERO, () -> load(database, FIRST_RETRY));
            timer.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(database::maintainPool),
                    POOL_MAINTENANCE.toMillis(), POOL_MAINTENANCE.toMillis(), TimeUnit.MILLISECONDS);
        }
        timer.scheduleWithFixedDelay(this::startDueProbes, PROBE_TICK_MILLIS, PROBE_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts, each on a virtual thread of its own, the probes that are due. Never throws: the timer
     * would silently stop running a task that did.
     */
    void startDueProbes() {
        for (Database database : databases) {
            try {
                if (database.availability().probeDue()) {
                    Thread.ofVirtual().name("pg-mcp-probe-" + database.name()).start(() -> probe(database));
                }
            } catch (RuntimeException | Error e) {
                logger.log(System.Logger.Level.ERROR, "database ''" + database.name() + "'': cannot start a probe", e);
            }
        }
    }

    /** One probe; when it brings back a database whose catalog never loaded, loads it now (no new schedule). */
    void probe(Database database) {
        try {
            if (database.probeIfDue(PROBE_TIMEOUT) && database.catalog().isEmpty()) {
                var catalog = database.refreshCatalog(loadTimeout);
                logger.log(System.Logger.Level.INFO, "database ''{0}'': schema loaded after recovery ({1} relations)",
                        database.name(), catalog.size());
                loadedOnce(database);
            }
        } catch (SQLException e) {
            logger.log(System.Logger.Level.WARNING, "database ''{0}'': schema load after recovery failed ({1}); the scheduled "
                    + "load will retry", database.name(), SqlFailure.of(e, false).message());
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "database ''" + database.name() + "'': probe failed unexpectedly", e);
        }
    }

    private void load(Database database, Duration retryIn) {
        try {
            var catalog = database.refreshCatalog(loadTimeout);
            logger.log(System.Logger.Level.INFO, "database ''{0}'': schema loaded ({1} relations)", database.name(), catalog.size());
            loadedOnce(database);
            if (!refreshInterval.isZero()) {
                later(refreshInterval, () -> load(database, FIRST_RETRY));
            }
        } catch (SQLException e) {
            if (closed) {
                logger.log(System.Logger.Level.DEBUG, "database ''{0}'': schema load stopped by shutdown", database.name());
                return;
            }
            boolean hadCatalog = database.catalog().isPresent();
            logger.log(System.Logger.Level.WARNING, "database ''{0}'': schema {1} failed ({2}); retrying in {3} s",
                    database.name(), hadCatalog ? "refresh" : "load", SqlFailure.of(e, false).message(), retryIn.toSeconds());
            Duration next = retryIn.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryIn.multipliedBy(2);
            later(retryIn, () -> load(database, next));
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "database ''" + database.name() + "'': schema load failed unexpectedly", e);
            later(MAX_RETRY, () -> load(database, MAX_RETRY));
        }
    }

    private void later(Duration delay, Runnable task) {
        if (!timer.isShutdown()) {
            timer.schedule(() -> Thread.ofVirtual().name("pg-mcp-catalog").start(() -> tracked(task)),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void tracked(Runnable task) {
        Thread current = Thread.currentThread();
        loading.add(current);
        try {
            if (!closed) {
                task.run();
            }
        } finally {
            loading.remove(current);
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        loading.forEach(Thread::interrupt);
    }
}
