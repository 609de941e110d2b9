package io.pgmcp.app;

import io.pgmcp.catalog.CatalogHolder;
import io.pgmcp.db.ConnectionPool;
import io.pgmcp.db.Database;
import io.pgmcp.db.DatabaseException;
import io.pgmcp.db.SqlFailure;
import java.util.Objects;
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

    private final List<Duty> duties;
    private final Duration refreshInterval;
    private final Duration loadTimeout;
    private final Consumer<CatalogHolder> firstLoaded;
    private final Set<CatalogHolder> loaded = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pg-mcp-housekeeping").factory());
    /** The catalog loads under way, for {@link #close} to interrupt. */
    private final Set<Thread> loading = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * What housekeeping looks after for one database: its catalog (and through it the database, for
     * the probes) and its pool.
     */
    record Duty(CatalogHolder catalog, ConnectionPool pool) {
        Duty {
            Objects.requireNonNull(catalog, "catalog");
            Objects.requireNonNull(pool, "pool");
        }

        Database database() {
            return catalog.database();
        }
    }

    Housekeeping(List<Duty> duties, Duration refreshInterval, Duration loadTimeout) {
        this(duties, refreshInterval, loadTimeout, catalog -> {});
    }

    /**
     * @param firstLoaded run once per database, on the loading thread, after the first catalog load
     *                    that housekeeping completes (the start-up check of its role against its policy)
     */
    Housekeeping(List<Duty> duties, Duration refreshInterval, Duration loadTimeout,
            Consumer<CatalogHolder> firstLoaded) {
        this.duties = List.copyOf(duties);
        this.refreshInterval = refreshInterval;
        this.loadTimeout = loadTimeout;
        this.firstLoaded = firstLoaded;
    }

    private void loadedOnce(CatalogHolder catalog) {
        if (loaded.add(catalog)) {
            try {
                firstLoaded.accept(catalog);
            } catch (RuntimeException e) {
                logger.log(System.Logger.Level.ERROR, "database ''" + catalog.database().name()
                        + "'': the check after the first schema load failed", e);
            }
        }
    }

    void start() {
        for (Duty duty : duties) {
            later(Duration.ZERO, () -> load(duty.catalog(), FIRST_RETRY));
            timer.scheduleWithFixedDelay(() -> Thread.ofVirtual().start(() -> maintainPool(duty)),
                    POOL_MAINTENANCE.toMillis(), POOL_MAINTENANCE.toMillis(), TimeUnit.MILLISECONDS);
        }
        timer.scheduleWithFixedDelay(this::startDueProbes, PROBE_TICK_MILLIS, PROBE_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Pool upkeep ({@link ConnectionPool#maintain}); skipped while the database is down, which the probes look after. */
    void maintainPool(Duty duty) {
        try {
            if (duty.database().availability().isUp()) {
                duty.pool().maintain();
            }
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "database ''" + duty.database().name() + "'': pool upkeep failed", e);
        }
    }

    /**
     * Starts, each on a virtual thread of its own, the probes that are due. Never throws: the timer
     * would silently stop running a task that did.
     */
    void startDueProbes() {
        for (Duty duty : duties) {
            Database database = duty.database();
            try {
                if (database.availability().probeDue()) {
                    Thread.ofVirtual().name("pg-mcp-probe-" + database.name()).start(() -> probe(duty.catalog()));
                }
            } catch (RuntimeException | Error e) {
                logger.log(System.Logger.Level.ERROR, "database ''" + database.name() + "'': cannot start a probe", e);
            }
        }
    }

    /** One probe; when it brings back a database whose catalog never loaded, loads it now (no new schedule). */
    void probe(CatalogHolder holder) {
        Database database = holder.database();
        try {
            if (database.probeIfDue(PROBE_TIMEOUT) && holder.current().isEmpty()) {
                var catalog = holder.refresh(loadTimeout);
                logger.log(System.Logger.Level.INFO, "database ''{0}'': schema loaded after recovery ({1} relations)",
                        database.name(), catalog.size());
                loadedOnce(holder);
            }
        } catch (DatabaseException e) {
            logger.log(System.Logger.Level.WARNING,
                    "database ''{0}'': schema load after recovery failed ({1}); the scheduled "
                            + "load will retry",
                    database.name(), SqlFailure.of(e, false).message());
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "database ''" + database.name() + "'': probe failed unexpectedly", e);
        }
    }

    private void load(CatalogHolder holder, Duration retryIn) {
        Database database = holder.database();
        try {
            var catalog = holder.refresh(loadTimeout);
            logger.log(System.Logger.Level.INFO, "database ''{0}'': schema loaded ({1} relations)", database.name(),
                    catalog.size());
            loadedOnce(holder);
            if (!refreshInterval.isZero()) {
                later(refreshInterval, () -> load(holder, FIRST_RETRY));
            }
        } catch (DatabaseException e) {
            if (closed) {
                logger.log(System.Logger.Level.DEBUG, "database ''{0}'': schema load stopped by shutdown",
                        database.name());
                return;
            }
            boolean hadCatalog = holder.current().isPresent();
            logger.log(System.Logger.Level.WARNING, "database ''{0}'': schema {1} failed ({2}); retrying in {3} s",
                    database.name(), hadCatalog ? "refresh" : "load", SqlFailure.of(e, false).message(),
                    retryIn.toSeconds());
            Duration next = retryIn.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryIn.multipliedBy(2);
            later(retryIn, () -> load(holder, next));
        } catch (RuntimeException e) {
            logger.log(System.Logger.Level.ERROR,
                    "database ''" + database.name() + "'': schema load failed unexpectedly", e);
            later(MAX_RETRY, () -> load(holder, MAX_RETRY));
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
