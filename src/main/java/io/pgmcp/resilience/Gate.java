package io.pgmcp.resilience;

import io.pgmcp.config.RateLimitStrategy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admits calls through a set of shared windows (and, when built with {@link ClientWindows}, the
 * caller's own window) under one strategy: {@code REJECT} decides at once; {@code QUEUE} and
 * {@code DELAY} let a call wait up to {@code maxWait}.
 *
 * <p>Waiting calls sit in one arrival-ordered queue. Whoever changes what could be admitted — an
 * arrival, a refund, a cancellation, a waiter whose timed wait ran out — dispatches: walks the queue
 * in order, counts and grants every call that fits, refuses those past their deadline, and wakes the
 * waiters it settled or whose wake-up time moved. Under {@code QUEUE}, once a call is blocked by a
 * shared window no later call is admitted in that pass, so none takes capacity an earlier waiter
 * could use; a call blocked only by its own client window holds back nobody. Under {@code DELAY}
 * each call is admitted as soon as it fits, whatever waits before it.
 *
 * <p>A call blocked by a window that closes after its deadline is refused at once when capacity can
 * only return at a close ({@code capacityReturnsEarly} false): waiting could not help. Thread-safe;
 * waits are {@link Condition#awaitNanos} on a {@link ReentrantLock}, so virtual threads unmount.
 */
final class Gate {
    private final List<WindowCounter> shared;
    private final ClientWindows clients;
    private final RateLimitStrategy strategy;
    private final long maxWaitNanos;
    private final boolean capacityReturnsEarly;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

    private final class Waiter {
        final String clientId;
        final long amount;
        final long arrivedAt;
        final long deadline;
        final Condition settled = lock.newCondition();
        Admission outcome;
        long wakeAt;

        Waiter(String clientId, long amount, long arrivedAt) {
            this.clientId = clientId;
            this.amount = amount;
            this.arrivedAt = arrivedAt;
            this.deadline = arrivedAt + maxWaitNanos;
            this.wakeAt = deadline;
        }
    }

    /**
     * @param clients              the per-client windows, or null when callers have none
     * @param capacityReturnsEarly whether refunds can free capacity before a window closes
     */
    Gate(List<WindowCounter> shared, ClientWindows clients, RateLimitStrategy strategy, Duration maxWait,
            boolean capacityReturnsEarly, Ticker ticker) {
        this.shared = List.copyOf(shared);
        this.clients = clients;
        this.strategy = strategy;
        this.maxWaitNanos = saturatedNanos(maxWait);
        this.capacityReturnsEarly = capacityReturnsEarly;
        this.ticker = ticker;
    }

    /** Admits {@code amount} units for {@code clientId} (ignored without client windows), waiting if the strategy says so. */
    Admission acquire(String clientId, long amount, Cancellation cancel) {
        Waiter waiter;
        lock.lock();
        try {
            long now = ticker.read();
            if (strategy == RateLimitStrategy.REJECT) {
                WindowCounter block = blocking(clientId, amount, now);
                if (block != null) {
                    return refusal(block, now);
                }
                charge(clientId, amount, now);
                return new Admission.Granted(Duration.ZERO);
            }
            waiter = new Waiter(clientId, amount, now);
            queue.addLast(waiter);
            dispatch(now);
            if (waiter.outcome != null) {
                return waiter.outcome;
            }
        } finally {
            lock.unlock();
        }
        cancel.onCancel(() -> withdraw(waiter));
        return await(waiter);
    }

    /** Charges or refunds {@code delta} units in every shared window, then admits what now fits. */
    void adjust(long delta) {
        lock.lock();
        try {
            long now = ticker.read();
            for (WindowCounter window : shared) {
                if (delta > 0) {
                    window.charge(delta, now);
                } else if (delta < 0) {
                    window.refund(-delta, now);
                }
            }
            dispatch(now);
        } finally {
            lock.unlock();
        }
    }

    /** Re-examines the queue against the ticker: for tests whose fake ticker moved while calls waited. */
    void recheck() {
        lock.lock();
        try {
            dispatch(ticker.read());
        } finally {
            lock.unlock();
        }
    }

    /** The window with the least left for {@code clientId} (shared ones first on a tie). */
    RateLimitStatus status(String clientId) {
        lock.lock();
        try {
            long now = ticker.read();
            List<WindowCounter> windows = new ArrayList<>(shared);
            if (clients != null) {
                clients.peek(clientId).ifPresent(windows::add);
            }
            WindowCounter tightest = windows.getFirst();
            for (WindowCounter window : windows) {
                if (window.remaining(now) < tightest.remaining(now)) {
                    tightest = window;
                }
            }
            return new RateLimitStatus(tightest.type(), tightest.limit(), tightest.remaining(now),
                    Duration.ofNanos(tightest.untilReset(now)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds to {@code usage} what each shared window has counted now and, when this gate has per-client
     * windows, the most any one client has counted in its window.
     */
    void usage(java.util.Map<LimitType, Long> usage) {
        lock.lock();
        try {
            long now = ticker.read();
            for (WindowCounter window : shared) {
                usage.put(window.type(), window.used(now));
            }
            if (clients != null) {
                usage.put(LimitType.PER_CLIENT_PER_MINUTE, clients.busiest(now));
            }
        } finally {
            lock.unlock();
        }
    }

    int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    int clientCount() {
        lock.lock();
        try {
            return clients == null ? 0 : clients.size();
        } finally {
            lock.unlock();
        }
    }

    private Admission await(Waiter waiter) {
        lock.lock();
        try {
            while (waiter.outcome == null) {
                long nanos = waiter.wakeAt - ticker.read();
                if (nanos > 0) {
                    try {
                        waiter.settled.awaitNanos(nanos);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        withdraw(waiter);
                        break;
                    }
                }
                dispatch(ticker.read());
            }
            return waiter.outcome;
        } finally {
            lock.unlock();
        }
    }

    private void withdraw(Waiter waiter) {
        lock.lock();
        try {
            if (waiter.outcome != null) {
                return;
            }
            long now = ticker.read();
            queue.remove(waiter);
            settle(waiter, new Admission.Cancelled(Duration.ofNanos(now - waiter.arrivedAt)));
            dispatch(now); // a call it held back may fit now
        } finally {
            lock.unlock();
        }
    }

    private void dispatch(long now) {
        WindowCounter heldBy = null; // the shared window blocking an earlier waiter, under QUEUE
        for (Iterator<Waiter> it = queue.iterator(); it.hasNext();) {
            Waiter waiter = it.next();
            WindowCounter block = heldBy != null ? heldBy : blocking(waiter.clientId, waiter.amount, now);
            if (block == null) {
                charge(waiter.clientId, waiter.amount, now);
                it.remove();
                settle(waiter, new Admission.Granted(Duration.ofNanos(now - waiter.arrivedAt)));
                continue;
            }
            boolean futile = !capacityReturnsEarly && block.resetAt() - waiter.deadline > 0;
            if (futile || now - waiter.deadline >= 0) {
                it.remove();
                settle(waiter, refusal(block, now));
                continue;
            }
            long wakeAt = block.resetAt() - waiter.deadline < 0 ? block.resetAt() : waiter.deadline;
            if (wakeAt != waiter.wakeAt) {
                waiter.wakeAt = wakeAt;
                waiter.settled.signal(); // it sleeps until the old time; let it recompute
            }
            if (strategy == RateLimitStrategy.QUEUE && heldBy == null) {
                heldBy = sharedBlock(waiter.amount, now); // null when only its own client window blocks it
            }
        }
    }

    /** The window keeping {@code amount} for {@code clientId} out now, the one closing last if several do; null if it fits. */
    private WindowCounter blocking(String clientId, long amount, long now) {
        WindowCounter block = sharedBlock(amount, now);
        if (clients != null) {
            WindowCounter own = clients.window(clientId, now);
            if (!own.admits(amount, now) && (block == null || own.resetAt() - block.resetAt() > 0)) {
                block = own;
            }
        }
        return block;
    }

    private WindowCounter sharedBlock(long amount, long now) {
        WindowCounter block = null;
        for (WindowCounter window : shared) {
            if (!window.admits(amount, now) && (block == null || window.resetAt() - block.resetAt() > 0)) {
                block = window;
            }
        }
        return block;
    }

    private void charge(String clientId, long amount, long now) {
        for (WindowCounter window : shared) {
            window.charge(amount, now);
        }
        if (clients != null) {
            clients.window(clientId, now).charge(amount, now);
        }
    }

    private static Admission refusal(WindowCounter block, long now) {
        return new Admission.Refused(block.type(), block.limit(), block.remaining(now),
                Duration.ofNanos(block.resetAt() - now));
    }

    private static void settle(Waiter waiter, Admission outcome) {
        waiter.outcome = outcome;
        waiter.settled.signal();
    }

    /** Nanoseconds, with durations beyond ~292 years read as "forever" instead of overflowing. */
    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;
        }
    }
}
