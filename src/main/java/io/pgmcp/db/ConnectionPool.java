package io.pgmcp.db;

import io.pgmcp.mcp.AfterReply;
import io.pgmcp.resilience.Ticker;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small pool of pgjdbc connections for virtual threads: borrowers block on a fair lock's condition
 * (no spinning, no thread locals), connections are opened and validated outside the lock, and a
 * borrower's wait is bounded by one deadline that re-tries inside the pool never extend.
 *
 * <p>Idle connections are lent most-recently-used first; one idle longer than
 * {@code validateAfterIdle} is checked with {@link Connection#isValid} first and replaced when dead
 * (a restarted server, {@code pg_terminate_backend}). Connections retire after {@code maxLifetime}
 * minus jitter. A lease marked broken is closed instead of returned. Thread-safe.
 *
 * <p>A lease may be given back with a cleanup still to run ({@link Lease#closeAfter}): on an MCP request's thread
 * the cleanup runs on that thread once the request has been answered ({@link AfterReply}), elsewhere on one of the
 * pool's reset threads, and the connection stays counted as lent until it is over; it is then lent again when the
 * cleanup succeeded and closed otherwise; when the request borrows again, what it left for after its answer goes to
 * the reset threads at once. A borrower that finds no idle connection while such cleanups are pending waits for one
 * of them rather than opening a connection of its own: a cleanup takes one round trip.
 */
public final class ConnectionPool implements AutoCloseable {
    private static final System.Logger logger = System.getLogger(ConnectionPool.class.getName());

    private final PoolSettings settings;
    private final ConnectionFactory factory;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Borrowers wait here; signalled once per connection that may have become available. */
    private final Condition changed = lock.newCondition();
    /** {@link #awaitIdle} waits here, apart, so that it never takes a signal meant for a borrower. */
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<PooledConnection> idle = new ArrayDeque<>();
    /**
     * Runs the cleanups of returned leases: at most one per connection at a time, so at most {@code maxSize}
     * threads, platform ones (a virtual thread blocked on the socket costs a poller wake-up per read). A thread is
     * started only when none is idle (a pool that kept a core of {@code maxSize} started a new one for each of its
     * first cleanups, idle ones beside it), and ends after a minute idle.
     */
    private final ThreadPoolExecutor resets;
    private int total;
    private int waiting;
    /** Lent connections whose cleanup is pending or running: they come back without a borrower's help. */
    private int resetting;
    /** Borrowers waiting for one of the {@link #resetting} connections instead of opening their own. */
    private int waitingForReset;
    private boolean closed;

    public ConnectionPool(PoolSettings settings, ConnectionFactory factory, Ticker ticker) {
        this.settings = settings;
        this.factory = factory;
        this.ticker = ticker;
        AtomicInteger threads = new AtomicInteger();
        this.resets = new ThreadPoolExecutor(0, settings.maxSize(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread thread = new Thread(task,
                            "pg-mcp-reset-" + settings.name() + "-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    public PoolSettings settings() {
        return settings;
    }

    /** Borrows a connection, waiting at most the configured acquire timeout. */
    public Lease acquire() throws DatabaseException {
        return acquire(acquireDeadline());
    }

    /** The deadline, on this pool's ticker, of a borrower that starts now: now plus the acquire timeout. */
    public long acquireDeadline() {
        return ticker.read() + settings.acquireTimeout().toNanos();
    }

    /**
     * Borrows a connection before {@code deadlineNanos} (on this pool's ticker).
     *
     * @throws PoolTimeoutException when none is free in time (the message holds the pool state)
     * @throws DatabaseException    when a new connection cannot be opened (the driver's error, chained), the
     *                              pool is closed, or the thread was interrupted while waiting
     */
    public Lease acquire(long deadlineNanos) throws DatabaseException {
        // the request borrows again: the ends it left for after its answer (an EXPLAIN's, before the query) go to the
        // reset threads now, so that a connection is held past its use only by the request's last call
        for (Runnable end : AfterReply.takePending()) {
            runCleanup(end);
        }
        boolean retry = false;
        while (true) {
            PooledConnection candidate = null;
            lock.lock();
            try {
                while (candidate == null) {
                    if (closed) {
                        throw DatabaseException.of(new SQLNonTransientConnectionException("pool '" + settings.name()
                                + "' is closed", "08003"));
                    }
                    // after a connection failed its check, try another only within the caller's budget
                    if (retry && deadlineNanos - ticker.read() <= 0) {
                        throw timeoutLocked();
                    }
                    candidate = idle.pollFirst();
                    if (candidate != null) {
                        break;
                    }
                    // a connection being reset is back in a round trip; opening one takes several
                    boolean forReset = resetting > waitingForReset;
                    if (!forReset && total < settings.maxSize()) {
                        total++;
                        break;
                    }
                    long remaining = deadlineNanos - ticker.read();
                    if (remaining <= 0) {
                        throw timeoutLocked();
                    }
                    waiting++;
                    if (forReset) {
                        waitingForReset++;
                    }
                    try {
                        changed.awaitNanos(remaining);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw DatabaseException.of(new SQLNonTransientConnectionException(
                                "interrupted while waiting for a connection from pool '" + settings.name() + "'",
                                "08000", e));
                    } finally {
                        waiting--;
                        if (forReset) {
                            waitingForReset--;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            if (candidate == null) {
                try {
                    return new Lease(this, open());
                } catch (SQLException e) {
                    throw DatabaseException.of(e);
                }
            }
            if (usable(candidate)) {
                candidate.lent();
                return new Lease(this, candidate);
            }
            discard(candidate);
            retry = true;
        }
    }

    private void signalLocked() {
        changed.signal();
        if (total == idle.size()) {
            drained.signalAll();
        }
    }

    private PoolTimeoutException timeoutLocked() {
        return new PoolTimeoutException(settings.name(), settings.acquireTimeout(), statsLocked());
    }

    private PooledConnection open() throws SQLException {
        try {
            Connection connection = factory.open();
            long lifetime = settings.maxLifetime().toNanos();
            long jitter = (long) (lifetime * 0.025 * ThreadLocalRandom.current().nextDouble());
            PooledConnection pooled = new PooledConnection(connection, ticker.read() + lifetime - jitter, ticker,
                    factory.sessionDefaults());
            pooled.lent();
            return pooled;
        } catch (SQLException | RuntimeException e) {
            freeSlots(1);
            if (e instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLNonTransientConnectionException("pool '" + settings.name() + "': cannot open a connection: "
                    + e.getMessage(), "08001", e);
        }
    }

    private boolean usable(PooledConnection pooled) {
        long now = ticker.read();
        if (pooled.expired(now)) {
            return false;
        }
        if (now - pooled.lastUsed() < settings.validateAfterIdle().toNanos()) {
            return true;
        }
        try {
            return pooled.connection().isValid((int) Math.max(1, settings.validationTimeout().toSeconds()));
        } catch (SQLException e) {
            return false;
        }
    }

    /** Called by {@link Lease#close()}: returns the connection, or closes it when broken or retired. */
    void release(PooledConnection pooled, boolean broken) {
        giveBack(pooled, broken, false);
    }

    /**
     * Called by {@link Lease#closeAfter}: runs {@code cleanup} after the current request's answer on its thread, or
     * on a reset thread when this thread serves no request, the connection counted as lent meanwhile, then returns
     * it when the cleanup answered true, or closes it (false, or it threw). A broken
     * connection, or any once the pool is closed, is closed at once without the cleanup.
     */
    void releaseAfter(PooledConnection pooled, boolean broken, Lease.Cleanup cleanup) {
        boolean handOver;
        lock.lock();
        try {
            handOver = !broken && !closed;
            if (handOver) {
                resetting++;
            }
        } finally {
            lock.unlock();
        }
        if (!handOver) {
            discard(pooled);
            return;
        }
        Runnable finish = () -> finishCleanup(pooled, cleanup);
        if (!AfterReply.defer(finish)) { // on a request's thread: after its answer, on that thread
            runCleanup(finish);
        }
    }

    /**
     * Runs a returned connection's cleanup on a reset thread; on this one when the pool is closing, or in the moment
     * when all {@code maxSize} reset threads exist and the one about to be free has not yet asked for work.
     */
    private void runCleanup(Runnable finish) {
        try {
            resets.execute(finish);
        } catch (RejectedExecutionException e) {
            finish.run(); // when the pool closed in between, finishing closes the connection
        }
    }

    private void finishCleanup(PooledConnection pooled, Lease.Cleanup cleanup) {
        if (isClosed()) {
            giveBack(pooled, true, true); // the pool closed before the cleanup began: no round trip, just close
            return;
        }
        boolean clean = false;
        try {
            clean = cleanup.run();
        } catch (RuntimeException | Error e) {
            logger.log(System.Logger.Level.DEBUG, "pool ''{0}'': cleanup of a returned connection failed: {1}",
                    settings.name(), e.toString());
            if (e instanceof Error error) {
                giveBack(pooled, true, true);
                throw error;
            }
        }
        giveBack(pooled, !clean, true);
    }

    /**
     * Takes a lent connection back: into the idle ones, or closed when broken, retired or the pool closed;
     * {@code fromReset} when it was counted as {@link #resetting}, which it no longer is.
     */
    private void giveBack(PooledConnection pooled, boolean broken, boolean fromReset) {
        boolean keep;
        lock.lock();
        try {
            if (fromReset) {
                resetting--;
            }
            keep = !broken && !closed && !pooled.expired(ticker.read());
            if (keep) {
                pooled.returned();
                idle.addFirst(pooled);
            } else {
                total--;
            }
            signalLocked();
        } finally {
            lock.unlock();
        }
        if (!keep) {
            pooled.closeQuietly();
        }
    }

    private void discard(PooledConnection pooled) {
        freeSlots(1);
        pooled.closeQuietly();
    }

    /** Gives up {@code slots} counted connections, each of which a waiting borrower may now open. */
    private void freeSlots(int slots) {
        lock.lock();
        try {
            for (int i = 0; i < slots; i++) {
                total--;
                signalLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Housekeeping, run periodically by the owner: closes idle connections past their lifetime or,
     * beyond {@code minSize}, past the idle timeout; then opens connections up to {@code minSize}.
     * Failures to open are logged and left for the next run.
     */
    public void maintain() {
        List<PooledConnection> retired = new ArrayList<>();
        int missing;
        lock.lock();
        try {
            long now = ticker.read();
            for (Iterator<PooledConnection> it = idle.descendingIterator(); it.hasNext();) {
                PooledConnection pooled = it.next();
                boolean idleTooLong = total - retired.size() > settings.minSize()
                        && now - pooled.lastUsed() > settings.idleTimeout().toNanos();
                if (pooled.expired(now) || idleTooLong) {
                    it.remove();
                    retired.add(pooled);
                }
            }
            total -= retired.size();
            missing = closed ? 0 : Math.max(0, settings.minSize() - total);
            total += missing;
        } finally {
            lock.unlock();
        }
        retired.forEach(PooledConnection::closeQuietly);
        for (int i = 0; i < missing; i++) {
            try {
                PooledConnection pooled = open();
                release(pooled, false);
            } catch (SQLException e) {
                freeSlots(missing - i - 1); // a borrower may be waiting for exactly one of these slots
                logger.log(System.Logger.Level.DEBUG, "pool ''{0}'': cannot open a connection: {1}", settings.name(),
                        e.getMessage());
                return;
            }
        }
    }

    /**
     * Closes every idle connection now (lent ones are left alone). Used when the server was found gone:
     * the idle connections are most likely dead too, and the next borrower should open a fresh one
     * rather than find out by failing.
     *
     * @return how many were closed
     */
    public int evictIdle() {
        List<PooledConnection> evicted;
        lock.lock();
        try {
            evicted = new ArrayList<>(idle);
            idle.clear();
            total -= evicted.size();
            for (int i = 0; i < evicted.size(); i++) {
                signalLocked(); // each freed slot may be a waiting borrower's
            }
        } finally {
            lock.unlock();
        }
        evicted.forEach(PooledConnection::closeQuietly);
        return evicted.size();
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** The pool's state now. */
    public PoolStats stats() {
        lock.lock();
        try {
            return statsLocked();
        } finally {
            lock.unlock();
        }
    }

    private PoolStats statsLocked() {
        return new PoolStats(total, idle.size(), total - idle.size(), waiting, resetting);
    }

    /**
     * Closes the idle connections now and every lent one when it comes back (one being reset when its reset
     * ends, which its network timeout bounds); wakes waiting borrowers, who get an error. Idempotent.
     */
    @Override
    public void close() {
        List<PooledConnection> toClose;
        lock.lock();
        try {
            closed = true;
            toClose = new ArrayList<>(idle);
            total -= idle.size();
            idle.clear();
            changed.signalAll();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        resets.shutdown(); // resets handed over already still run, and close their connections when done
        toClose.forEach(PooledConnection::closeQuietly);
    }

    /**
     * Waits until every lent connection is back (those being reset too) or {@code timeout} passes; for orderly
     * shutdown.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = ticker.read() + timeout.toNanos();
        long waitLeft = timeout.toNanos(); // what the condition itself counted down: bounds the wait on a ticker that stands still
        lock.lock();
        try {
            while (total > idle.size()) {
                long remaining = Math.min(deadline - ticker.read(), waitLeft);
                if (remaining <= 0) {
                    return false;
                }
                waitLeft = drained.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
