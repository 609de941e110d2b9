package io.pgmcp.audit;

import java.util.concurrent.locks.ReentrantLock;

/**
 * What every sink shares: one lock that serialises writes, flushes and close (a {@link ReentrantLock},
 * since I/O happens under it and callers are virtual threads), and the closed state, after which a
 * write throws.
 */
abstract class SerialSink implements AuditSink {
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed; // guarded by lock

    /** Work under the lock. */
    @FunctionalInterface
    interface Locked<T> {
        T run() throws AuditException;
    }

    /** Writes one line ({@link AuditEvent#toJsonLine()}, without a newline); the lock is held and the sink open. */
    abstract void writeLocked(String line) throws AuditException;

    /** Flushes; the lock is held, and {@code closed} says whether the sink is closed already. */
    abstract void flushLocked(boolean closed) throws AuditException;

    /** Releases what the sink holds; the lock is held. Never throws. */
    abstract void closeLocked();

    /** The message of a write after close. */
    abstract String closedMessage();

    @Override
    public final void write(AuditEvent event) throws AuditException {
        String line = event.toJsonLine();
        locked(() -> {
            if (closed) {
                throw new AuditException(closedMessage());
            }
            writeLocked(line);
            return null;
        });
    }

    @Override
    public final void flush() throws AuditException {
        locked(() -> {
            flushLocked(closed);
            return null;
        });
    }

    @Override
    public final void close() {
        lock.lock();
        try {
            closed = true;
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} under the lock. */
    final <T> T locked(Locked<T> work) throws AuditException {
        lock.lock();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }
}
