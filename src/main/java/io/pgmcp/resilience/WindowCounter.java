package io.pgmcp.resilience;

/**
 * A fixed-window counter for one budget of {@code limit} units per {@link LimitType#window()}.
 *
 * <p>A window opens at the first charge made while none is open and closes exactly one window
 * length later (a charge at {@code t} opens {@code [t, t + length)}); when it closes, the count
 * returns to zero and the next charge opens a new window. Windows are not aligned to the clock.
 * Within a window at most {@code limit} units are admitted, with one exception: an amount larger
 * than the whole limit is admitted when nothing is counted, since it could never fit otherwise. So
 * "60 per minute" means at most 60 admissions in each window; across the close of one window and
 * the opening of the next, up to twice that can pass in a little over a minute.
 *
 * <p>Not thread-safe: the owner's lock guards every call, and {@code now} comes from its ticker.
 */
final class WindowCounter {
    private final LimitType type;
    private final long limit;
    private final long lengthNanos;
    private long used;
    private long resetAt;
    private boolean open;

    WindowCounter(LimitType type, long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException(type.wireName() + " must be at least 1, got " + limit);
        }
        this.type = type;
        this.limit = limit;
        this.lengthNanos = type.window().toNanos();
    }

    LimitType type() {
        return type;
    }

    long limit() {
        return limit;
    }

    /** Whether {@code amount} more units fit in the current window. */
    boolean admits(long amount, long now) {
        roll(now);
        return used == 0 || amount <= limit - used;
    }

    /** Counts {@code amount} units, opening a window if none is open; may go past the limit. */
    void charge(long amount, long now) {
        roll(now);
        if (!open) {
            open = true;
            resetAt = now + lengthNanos;
        }
        used = amount > Long.MAX_VALUE - used ? Long.MAX_VALUE : used + amount;
    }

    /** Takes back {@code amount} units from the current window, never below zero. */
    void refund(long amount, long now) {
        roll(now);
        used = Math.max(0, used - amount);
    }

    /** Units counted in the window open at {@code now} (0 when none is); may exceed the limit. */
    long used(long now) {
        roll(now);
        return used;
    }

    long remaining(long now) {
        roll(now);
        return Math.max(0, limit - used);
    }

    /** Whether a window is open at {@code now}; a counter without one holds nothing worth keeping. */
    boolean isOpen(long now) {
        roll(now);
        return open;
    }

    /** When the open window closes (ticker nanoseconds); only meaningful while {@link #isOpen}. */
    long resetAt() {
        return resetAt;
    }

    /** Nanoseconds until the open window closes, or a whole window length when none is open. */
    long untilReset(long now) {
        roll(now);
        return open ? resetAt - now : lengthNanos;
    }

    private void roll(long now) {
        if (open && now - resetAt >= 0) {
            open = false;
            used = 0;
        }
    }

    @Override
    public String toString() {
        return type.wireName() + "[" + used + "/" + limit + (open ? ", open" : "") + "]";
    }
}
