package io.pgmcp.resilience;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The per-client request windows, keyed by client id, kept only while they count something: a
 * client whose window has closed is indistinguishable from one never seen, so its entry may go. Each
 * lookup first drops up to {@value #SWEEP_PER_LOOKUP} of the least recently used entries whose
 * windows are closed; as a lookup adds at most one entry, the map holds roughly the clients seen
 * within the last window, however many distinct ids a long-running server meets.
 *
 * <p>Not thread-safe: the owning {@link Gate}'s lock guards every call.
 */
final class ClientWindows {
    private static final int SWEEP_PER_LOOKUP = 16;

    private final long limit;
    private final LinkedHashMap<String, WindowCounter> windows = new LinkedHashMap<>(64, 0.75f, true);

    ClientWindows(long limit) {
        this.limit = limit;
    }

    /** The window of {@code clientId}, created if absent. Callers must not keep it across lookups. */
    WindowCounter window(String clientId, long now) {
        sweep(now);
        return windows.computeIfAbsent(clientId, id -> new WindowCounter(LimitType.PER_CLIENT_PER_MINUTE, limit));
    }

    /** The window of {@code clientId} if it has one, without creating it. */
    Optional<WindowCounter> peek(String clientId) {
        return Optional.ofNullable(windows.get(clientId));
    }

    /** The most units any client has counted in its open window (0 when none has one). */
    long busiest(long now) {
        long most = 0;
        for (WindowCounter window : windows.values()) {
            most = Math.max(most, window.used(now));
        }
        return most;
    }

    int size() {
        return windows.size();
    }

    private void sweep(long now) {
        Iterator<WindowCounter> eldest = windows.values().iterator();
        for (int i = 0; i < SWEEP_PER_LOOKUP && eldest.hasNext(); i++) {
            if (eldest.next().isOpen(now)) {
                return;
            }
            eldest.remove();
        }
    }
}
