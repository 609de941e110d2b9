package io.pgmcp.resilience;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small cache whose entries expire {@code ttl} after they were written and which holds at most
 * {@code maxSize} entries, evicting the least recently used. Time comes from the injected
 * {@link Ticker}. Thread-safe (one lock; the work under it is a map operation).
 */
public final class TtlCache<K, V> {
    private record Slot<V>(V value, long expiresAt) {}

    private final long ttlNanos;
    private final int maxSize;
    private final Ticker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<K, Slot<V>> entries;

    public TtlCache(Duration ttl, int maxSize, Ticker ticker) {
        if (ttl.isNegative() || ttl.isZero() || maxSize < 1) {
            throw new IllegalArgumentException(
                    "ttl must be positive and maxSize at least 1, got " + ttl + " and " + maxSize);
        }
        this.ttlNanos = ttl.toNanos();
        this.maxSize = maxSize;
        this.ticker = ticker;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Slot<V>> eldest) {
                return size() > TtlCache.this.maxSize;
            }
        };
    }

    /** The live value for {@code key}; an expired one is removed and not returned. */
    public Optional<V> get(K key) {
        lock.lock();
        try {
            Slot<V> entry = entries.get(key);
            if (entry == null) {
                return Optional.empty();
            }
            if (ticker.read() - entry.expiresAt() >= 0) {
                entries.remove(key);
                return Optional.empty();
            }
            return Optional.of(entry.value());
        } finally {
            lock.unlock();
        }
    }

    public void put(K key, V value) {
        lock.lock();
        try {
            entries.put(key, new Slot<>(value, ticker.read() + ttlNanos));
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    public void clear() {
        lock.lock();
        try {
            entries.clear();
        } finally {
            lock.unlock();
        }
    }
}
