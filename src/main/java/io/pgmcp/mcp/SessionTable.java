package io.pgmcp.mcp;

import io.pgmcp.resilience.Ticker;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HTTP transport's live sessions by {@code Mcp-Session-Id}, bounded in number, expiring when
 * idle.
 *
 * <p>A session is idle when no request of it is being served ({@link #acquire} without the matching
 * {@link Lease#close}); it expires once idle for longer than the idle timeout, measured by the
 * injected {@link Ticker}. Expired sessions are removed by {@link #sweep} (run periodically by the
 * transport) or when next looked up, and closed at once, cancelling nothing (they have nothing in
 * flight). Session ids are 32 random bytes from {@link SecureRandom}, base64url without padding: 256
 * bits, visible ASCII only. Thread-safe.
 */
final class SessionTable {

    private static final System.Logger logger = System.getLogger(SessionTable.class.getName());

    /** One session and its use. */
    private static final class Entry {
        final McpSession session;
        final String owner;
        final ReentrantLock lock = new ReentrantLock();
        int active; // guarded by lock
        long lastUsed; // guarded by lock
        boolean gone; // guarded by lock

        Entry(McpSession session, String owner, long now) {
            this.session = session;
            this.owner = owner;
            this.lastUsed = now;
        }
    }

    /** A session held for one HTTP request. */
    final class Lease implements AutoCloseable {
        private final Entry entry;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        McpSession session() {
            return entry.session;
        }

        /** Marks the session used now: call it before the answer leaves, so the next request sees it. */
        void touch() {
            entry.lock.lock();
            try {
                entry.lastUsed = ticker.read();
            } finally {
                entry.lock.unlock();
            }
        }

        @Override
        public void close() {
            entry.lock.lock();
            try {
                entry.active--;
            } finally {
                entry.lock.unlock();
            }
        }
    }

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final ReentrantLock registerLock = new ReentrantLock();
    private final SecureRandom random = new SecureRandom();
    private final int maxSessions;
    private final long idleNanos;
    private final Ticker ticker;
    private final Duration closeDrain;

    /** @param closeDrain how long closing a removed session waits for its requests (DELETE: none) */
    SessionTable(int maxSessions, Duration idleTimeout, Ticker ticker, Duration closeDrain) {
        this.maxSessions = maxSessions;
        this.idleNanos = idleTimeout.toNanos();
        this.ticker = ticker;
        this.closeDrain = closeDrain;
    }

    /** @return a new unguessable session id */
    String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Adds an initialized session, sweeping expired ones first if the table is full.
     *
     * @param owner who created it (the bearer token's id, or "" without tokens): only the same owner
     *              may use or end it — a session id alone is not a credential
     * @return false if the table is full (the caller closes the session)
     */
    boolean register(McpSession session, String owner) {
        registerLock.lock();
        try {
            if (sessions.size() >= maxSessions) {
                sweep();
            }
            if (sessions.size() >= maxSessions) {
                return false;
            }
            sessions.put(session.sessionId(), new Entry(session, Objects.requireNonNull(owner, "owner"), ticker.read()));
            return true;
        } finally {
            registerLock.unlock();
        }
    }

    /**
     * @return the live session with this id, held until the lease is closed; empty if unknown, expired
     *     or created by another owner (indistinguishable from unknown)
     */
    Optional<Lease> acquire(String id, String owner) {
        Entry entry = sessions.get(id);
        if (entry == null || !entry.owner.equals(owner)) {
            return Optional.empty();
        }
        entry.lock.lock();
        try {
            if (!entry.gone && expired(entry)) {
                expire(entry);
            }
            if (entry.gone) {
                return Optional.empty();
            }
            entry.active++;
            entry.lastUsed = ticker.read();
            return Optional.of(new Lease(entry));
        } finally {
            entry.lock.unlock();
        }
    }

    /**
     * Removes and closes the session (DELETE), cancelling its calls in flight.
     *
     * @return false if there was no such session (or another owner's)
     */
    boolean remove(String id, String owner) {
        Entry entry = sessions.get(id);
        if (entry == null || !entry.owner.equals(owner)) {
            return false;
        }
        entry.lock.lock();
        try {
            if (entry.gone) {
                return false;
            }
            entry.gone = true;
            sessions.remove(id, entry);
        } finally {
            entry.lock.unlock();
        }
        entry.session.close(closeDrain);
        return true;
    }

    /** Removes and closes every expired session. @return how many expired */
    int sweep() {
        List<Entry> expired = new ArrayList<>();
        for (Entry entry : sessions.values()) {
            entry.lock.lock();
            try {
                if (!entry.gone && expired(entry)) {
                    expire(entry);
                    expired.add(entry);
                }
            } finally {
                entry.lock.unlock();
            }
        }
        return expired.size();
    }

    /** Closes every session, each draining its calls for up to {@code drain}, in parallel. */
    void closeAll(Duration drain) {
        List<Thread> closers = new ArrayList<>();
        for (Entry entry : List.copyOf(sessions.values())) {
            entry.lock.lock();
            try {
                entry.gone = true;
                sessions.remove(entry.session.sessionId(), entry);
            } finally {
                entry.lock.unlock();
            }
            closers.add(Thread.ofVirtual().name("mcp-http-close").start(() -> entry.session.close(drain)));
        }
        for (Thread closer : closers) {
            try {
                closer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    int size() {
        return sessions.size();
    }

    private boolean expired(Entry entry) {
        return entry.active == 0 && ticker.read() - entry.lastUsed > idleNanos;
    }

    /** Under the entry's lock. */
    private void expire(Entry entry) {
        entry.gone = true;
        sessions.remove(entry.session.sessionId(), entry);
        logger.log(Level.DEBUG, () -> "HTTP session " + entry.session.sessionId() + " expired after "
                + Duration.ofNanos(idleNanos).toSeconds() + " s idle");
        // Nothing is in flight (active == 0): closing does not wait.
        entry.session.close(Duration.ZERO);
    }
}
