package io.pgmcp.db;

import io.pgmcp.config.RetryConfig;
import io.pgmcp.resilience.Backoff;
import io.pgmcp.resilience.ExponentialBackoff;
import io.pgmcp.resilience.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Whether one database can be reached, as its calls and its recovery probe have found.
 *
 * <p>A database is UP until {@link Database} reports a connection-class failure with
 * {@link #markDown}; then it is DOWN, and every call fails at once ({@link #check} throws a
 * {@link DatabaseDownException} saying since when, why, and when the next probe runs) instead of each
 * waiting out connect timeouts and retries. Probes are due on an exponential schedule from the first
 * retry delay up to {@link #MAX_PROBE_INTERVAL}, so a database that comes back is found again within
 * seconds; the owner runs them ({@link Database#probeIfDue}) and the first that reaches the server
 * marks the database UP.
 *
 * <p>Every change of state starts a new <em>generation</em>. A failure or a probe result is applied
 * only to the generation in which its call or probe started, so a call that began before a recovery
 * and fails after it (on a connection from before the outage) does not take the database down again.
 *
 * <p>Time comes from the injected {@link Ticker} (the probe schedule) and {@link InstantSource} (the
 * wall-clock "since" shown to users). Thread-safe: one lock, held only for a few field updates.
 */
public final class Availability {
    private static final System.Logger logger = System.getLogger(Availability.class.getName());

    /** The longest wait between two probes of a database that is down. */
    public static final Duration MAX_PROBE_INTERVAL = Duration.ofSeconds(5);

    /** What is known about the database now. */
    public sealed interface Health permits Up, Down {}

    /** Reachable, as far as anyone knows. */
    public record Up() implements Health {}

    /**
     * Unreachable since {@code since}.
     *
     * @param lastError   the latest failure of a call or probe
     * @param nextProbeIn until the next probe is due (zero: due now, or running)
     * @param probes      probes started since the database went down
     */
    public record Down(Instant since, Duration downFor, SqlFailure lastError, Duration nextProbeIn, int probes)
            implements
                Health {
        public Down {
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(downFor, "downFor");
            Objects.requireNonNull(lastError, "lastError");
            Objects.requireNonNull(nextProbeIn, "nextProbeIn");
        }
    }

    /** The DOWN state as kept: nanos on the ticker. */
    private record Outage(Instant since, long sinceNanos, SqlFailure lastError, long nextProbeAt, int probes) {
        Outage withError(SqlFailure error) {
            return new Outage(since, sinceNanos, error, nextProbeAt, probes);
        }
    }

    private final String database;
    private final Backoff probeBackoff;
    private final Ticker ticker;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong outages = new AtomicLong();
    private volatile Outage outage; // null while up
    private volatile long generation;

    /**
     * @param database     the database's name, for messages
     * @param probeBackoff the wait before probe number n (1 for the first) after the database went down
     */
    public Availability(String database, Backoff probeBackoff, Ticker ticker, InstantSource clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.probeBackoff = Objects.requireNonNull(probeBackoff, "probeBackoff");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The probe schedule for {@code retry.database}: exponential from its {@code initial_delay},
     * doubling, ±25 % jitter, capped at {@link #MAX_PROBE_INTERVAL} (or the initial delay, if longer).
     */
    public static Backoff probeBackoff(RetryConfig config, RandomGenerator random) {
        Duration first = config.initialDelay();
        Duration max = first.compareTo(MAX_PROBE_INTERVAL) > 0 ? first : MAX_PROBE_INTERVAL;
        return new ExponentialBackoff(first, max, 2.0, Backoff.DEFAULT_JITTER, random);
    }

    public String database() {
        return database;
    }

    public boolean isUp() {
        return outage == null;
    }

    /** The state now. */
    public Health health() {
        Outage current = outage;
        return current == null ? new Up() : down(current);
    }

    private Down down(Outage current) {
        long now = ticker.read();
        return new Down(current.since(), Duration.ofNanos(Math.max(0, now - current.sinceNanos())), current.lastError(),
                Duration.ofNanos(Math.max(0, current.nextProbeAt() - now)), current.probes());
    }

    /** The current generation: it changes with every change of state. */
    long generation() {
        return generation;
    }

    /** How often the database has gone down since this object was made (for metrics). */
    public long outages() {
        return outages.get();
    }

    /**
     * Lets a call go ahead while the database is up.
     *
     * @return the generation the call runs in, to pass to {@link #markDown}
     * @throws DatabaseDownException while the database is down
     */
    public long check() throws DatabaseDownException {
        long current = generation;
        Outage down = outage;
        if (down != null) {
            throw new DatabaseDownException(database, down(down), null);
        }
        return current;
    }

    /**
     * Reports a connection-class failure of a call that started in {@code callGeneration}: an UP
     * database goes DOWN (its first probe due after the first backoff delay); a DOWN one keeps its
     * "since" and takes the newer error. A call that started before the database last came back up
     * changes nothing: its failure is about a connection from before the recovery.
     *
     * @return the exception to throw, the state now with {@code cause} chained; empty when the database
     *         is up (the call's own failure is then the better answer)
     */
    public Optional<DatabaseDownException> markDown(DatabaseException cause, long callGeneration) {
        SqlFailure failure = cause.failure();
        Outage after;
        lock.lock();
        try {
            if (outage != null) {
                outage = outage.withError(failure);
            } else if (callGeneration == generation) {
                long now = ticker.read();
                Duration firstProbe = probeBackoff.delay(1);
                outage = new Outage(clock.instant(), now, failure, now + firstProbe.toNanos(), 0);
                generation++;
                outages.incrementAndGet();
                logger.log(System.Logger.Level.WARNING,
                        "database ''{0}'' is unavailable ({1}: {2}); calls to it fail at once "
                                + "until a probe reaches it (first in {3} ms)",
                        database, failure.sqlState(), failure.message(),
                        Long.toString(firstProbe.toMillis()));
            } // else: up again since that call started; its failure is from before the recovery
            after = outage;
        } finally {
            lock.unlock();
        }
        return after == null ? Optional.empty() : Optional.of(new DatabaseDownException(database, down(after), cause));
    }

    /** True when the database is down and its next probe is due. */
    public boolean probeDue() {
        Outage current = outage;
        return current != null && ticker.read() - current.nextProbeAt() >= 0;
    }

    /**
     * Starts a probe if one is due, and schedules the next one: probes run on a schedule, not one
     * after another, so a probe stuck on a stalled link cannot delay the one that would succeed.
     *
     * @return the generation the probe runs in, or -1 when none is due
     */
    long beginProbe() {
        lock.lock();
        try {
            Outage current = outage;
            long now = ticker.read();
            if (current == null || now - current.nextProbeAt() < 0) {
                return -1;
            }
            int probes = current.probes() + 1;
            outage = new Outage(current.since(), current.sinceNanos(), current.lastError(),
                    now + probeBackoff.delay(probes + 1).toNanos(), probes);
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** A probe started in {@code probeGeneration} reached the server: the database is up again. */
    void probeSucceeded(long probeGeneration) {
        lock.lock();
        try {
            Outage current = outage;
            if (current == null || probeGeneration != generation) {
                return;
            }
            outage = null;
            generation++;
            logger.log(System.Logger.Level.INFO, "database ''{0}'' is reachable again after {1} s ({2} probe(s))",
                    database,
                    String.format(java.util.Locale.ROOT, "%.1f", (ticker.read() - current.sinceNanos()) / 1e9),
                    current.probes());
        } finally {
            lock.unlock();
        }
    }

    /** A probe started in {@code probeGeneration} failed; its error becomes the last error. */
    void probeFailed(long probeGeneration, DatabaseException cause) {
        SqlFailure failure = cause.failure();
        lock.lock();
        try {
            if (outage != null && probeGeneration == generation) {
                outage = outage.withError(failure);
            }
        } finally {
            lock.unlock();
        }
        logger.log(System.Logger.Level.DEBUG, "database ''{0}'': probe failed ({1}: {2})", database, failure.sqlState(),
                failure.message());
    }

    @Override
    public String toString() {
        return "Availability[" + database + ": " + health() + "]";
    }
}
