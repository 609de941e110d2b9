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
 * The HTTP transport's live (2025-era) sessions by {@code Mcp-Session-Id}, bounded in number overall
 * and per client, expiring when idle, and shed under pressure so that no one holds every session.
 *
 * <p><b>Idle and expiry.</b> A session is idle when no request of it is being served ({@link #acquire}
 * without the matching {@link Lease#close}); it expires once idle for longer than the idle timeout,
 * measured by the injected {@link Ticker}. Expired sessions are removed by {@link #sweep} (run
 * periodically by the transport) or when next looked up, and closed at once, cancelling nothing (they
 * have nothing in flight).
 *
 * <p><b>Bounds.</b> A client — its bearer token, or its address without tokens — may hold at most
 * {@code maxPerClient} sessions, fewer than {@code maxSessions}, so a client at its cap always leaves
 * room for others. Past a bound, {@link #register} sheds one session before refusing: at a client's
 * cap one of that client's own, when the table is full anyone's, in this order — half-open sessions
 * (no request since {@code initialize}) idle for {@link #HALF_OPEN_SHED_AFTER}, then sessions idle for
 * {@link #IDLE_SHED_AFTER}, from the client holding the most, least recently used first. A session in
 * use (a request in flight, or used within those grace periods) is never shed.
 *
 * <p>Session ids are 32 random bytes from {@link SecureRandom}, base64url without padding: 256 bits,
 * visible ASCII only. Thread-safe.
 */
final class SessionTable {

    private static final System.Logger logger = System.getLogger(SessionTable.class.getName());

    /** A session with no request since {@code initialize} may be shed under pressure after this long. */
    static final Duration HALF_OPEN_SHED_AFTER = Duration.ofSeconds(10);
    /** A session idle this long may be shed under pressure. */
    static final Duration IDLE_SHED_AFTER = Duration.ofSeconds(60);

    /** What {@link #register} did. */
    enum Admission {
        /** the session is in the table */
        ADMITTED,
        /** the client holds its most sessions, none of which could be shed */
        CLIENT_AT_CAP,
        /** the table is full and no session could be shed */
        FULL
    }

    /** One session and its use. */
    private static final class Entry {
        final McpSession session;
        final String owner;
        final String client;
        final ReentrantLock lock = new ReentrantLock();
        int active; // guarded by lock
        long lastUsed; // guarded by lock
        boolean opened; // guarded by lock: a request came after initialize
        boolean gone; // guarded by lock

        Entry(McpSession session, String owner, String client, long now) {
            this.session = session;
            this.owner = owner;
            this.client = client;
            this.lastUsed = now;
        }
    }

    /** A session held for one HTTP request. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean released; // guarded by entry.lock

        private Lease(Entry entry) {
            this.entry = entry;
        }

        McpSession session() {
            return entry.session;
        }

        /**
         * Marks the session used now and ends this use of it: for the moment its answer is complete, so that the
         * client's next request (which may come before the answer's last byte has been written here) finds
         * it idle, not busy. {@link #close} afterwards does nothing.
         */
        void release() {
            entry.lock.lock();
            try {
                entry.lastUsed = ticker.read();
                if (!released) {
                    released = true;
                    entry.active--;
                }
            } finally {
                entry.lock.unlock();
            }
        }

        /** Ends this use of the session, unless {@link #release} did. Idempotent. */
        @Override
        public void close() {
            entry.lock.lock();
            try {
                if (!released) {
                    released = true;
                    entry.active--;
                }
            } finally {
                entry.lock.unlock();
            }
        }
    }

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    /** Sessions per client; changed only together with {@link #sessions}, through {@link #add} and {@link #detach}. */
    private final Map<String, Integer> perClient = new ConcurrentHashMap<>();
    private final ReentrantLock registerLock = new ReentrantLock();
    private final SecureRandom random = new SecureRandom();
    private final int maxSessions;
    private final int maxPerClient;
    private final long idleNanos;
    private final Ticker ticker;
    private final Duration closeDrain;

    /**
     * @param maxPerClient sessions one client may hold, 1 to {@code maxSessions}
     * @param closeDrain   how long closing a removed session waits for its requests (DELETE: none)
     * @throws IllegalArgumentException if a bound is not positive or {@code maxPerClient > maxSessions}
     */
    SessionTable(int maxSessions, int maxPerClient, Duration idleTimeout, Ticker ticker, Duration closeDrain) {
        if (maxSessions < 1 || maxPerClient < 1 || maxPerClient > maxSessions) {
            throw new IllegalArgumentException("session bounds must satisfy 1 <= maxPerClient (" + maxPerClient
                    + ") <= maxSessions (" + maxSessions + ")");
        }
        this.maxSessions = maxSessions;
        this.maxPerClient = maxPerClient;
        this.idleNanos = idleTimeout.toNanos();
        this.ticker = ticker;
        this.closeDrain = closeDrain;
    }

    /** Without a per-client bound. */
    SessionTable(int maxSessions, Duration idleTimeout, Ticker ticker, Duration closeDrain) {
        this(maxSessions, maxSessions, idleTimeout, ticker, closeDrain);
    }

    /** @return a new unguessable session id */
    String newId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Adds an initialized session, within the bounds: sweeps expired sessions and sheds one (see the
     * class description) when the client is at its cap or the table is full.
     *
     * @param owner  who created it (the bearer token's id, or "" without tokens): only the same owner
     *               may use or end it — a session id alone is not a credential
     * @param client whom the per-client bound counts it for (the token's id, or the address without tokens)
     * @return whether it was admitted, or which bound refused it (the caller closes the session then)
     */
    Admission register(McpSession session, String owner, String client) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(client, "client");
        registerLock.lock();
        try {
            // maxPerClient == maxSessions means no per-client bound: only the table's.
            if (maxPerClient < maxSessions && perClient.getOrDefault(client, 0) >= maxPerClient) {
                sweep();
                if (perClient.getOrDefault(client, 0) >= maxPerClient && !shedOne(client)) {
                    return Admission.CLIENT_AT_CAP;
                }
            }
            if (sessions.size() >= maxSessions) {
                sweep();
                if (sessions.size() >= maxSessions && !shedOne(null)) {
                    return Admission.FULL;
                }
            }
            add(new Entry(session, owner, client, ticker.read()));
            return Admission.ADMITTED;
        } finally {
            registerLock.unlock();
        }
    }

    /** Without tokens or a per-client bound: the owner "" counts for one client. */
    boolean register(McpSession session, String owner) {
        return register(session, owner, owner) == Admission.ADMITTED;
    }

    /**
     * Sheds the most sheddable idle session, of {@code client} or (null) of anyone: half-open before
     * idle, the biggest holder's before others', least recently used first. Under the register lock.
     *
     * @return false if no session may be shed
     */
    private boolean shedOne(String client) {
        long now = ticker.read();
        Entry victim = null;
        long victimRank = Long.MIN_VALUE;
        for (Entry entry : sessions.values()) {
            if (client != null && !entry.client.equals(client)) {
                continue;
            }
            entry.lock.lock();
            try {
                long idle = now - entry.lastUsed;
                boolean halfOpen = !entry.opened && idle >= HALF_OPEN_SHED_AFTER.toNanos();
                if (entry.gone || entry.active > 0 || !halfOpen && idle < IDLE_SHED_AFTER.toNanos()) {
                    continue;
                }
                // Half-open first, then the client holding the most, then the longest idle.
                long rank = (halfOpen ? 1L << 62 : 0) + ((long) perClient.getOrDefault(entry.client, 0) << 40)
                        + Math.min(idle / 1_000_000, (1L << 40) - 1);
                if (victim == null || rank > victimRank) {
                    victim = entry;
                    victimRank = rank;
                }
            } finally {
                entry.lock.unlock();
            }
        }
        if (victim == null) {
            return false;
        }
        Entry shed = victim;
        shed.lock.lock();
        try {
            if (shed.gone || shed.active > 0) {
                return false;
            }
            shed.gone = true;
            detach(shed);
        } finally {
            shed.lock.unlock();
        }
        logger.log(Level.INFO, () -> "HTTP session " + shed.session.sessionId() + " shed to make room ("
                + (shed.opened ? "idle" : "half-open") + ", its client holds " + perClient.getOrDefault(shed.client, 0)
                + " more; " + sessions.size() + " of " + maxSessions + " sessions)");
        shed.session.close(Duration.ZERO);
        return true;
    }

    private void add(Entry entry) {
        sessions.put(entry.session.sessionId(), entry);
        perClient.merge(entry.client, 1, Integer::sum);
    }

    /** Removes the entry from the table and its client's count, once. */
    private void detach(Entry entry) {
        if (sessions.remove(entry.session.sessionId(), entry)) {
            perClient.computeIfPresent(entry.client, (client, count) -> count > 1 ? count - 1 : null);
        }
    }

    /** @return how many sessions {@code client} holds */
    int sessionsOf(String client) {
        return perClient.getOrDefault(client, 0);
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
            entry.opened = true;
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
            detach(entry);
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
                detach(entry);
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
        detach(entry);
        logger.log(Level.DEBUG, () -> "HTTP session " + entry.session.sessionId() + " expired after "
                + Duration.ofNanos(idleNanos).toSeconds() + " s idle");
        // Nothing is in flight (active == 0): closing does not wait.
        entry.session.close(Duration.ZERO);
    }
}
