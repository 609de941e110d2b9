package io.pgmcp.sql;

import io.pgmcp.catalog.Catalog;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The verdicts one {@link SqlGuard} gave, by SQL text, for one catalog: the same text checked against the
 * same {@link Catalog} instance gets the same verdict without being lexed, parsed and analysed again. A
 * verdict for another catalog (a schema refresh loads a new instance) is a miss, and storing one for it
 * drops every verdict of the previous catalog (unless it was loaded earlier than that one: then it is not
 * stored). Owned by one guard, so verdicts are never shared between
 * access policies.
 *
 * <p>Bounded twice: at most {@code maxEntries} verdicts, and at most {@code maxChars} characters of SQL
 * text and verdict text together (a verdict larger than a sixteenth of that is not kept), so a flood of
 * distinct or huge SQL cannot grow memory. When full, the oldest verdict not used since the last sweep
 * goes (second chance).
 *
 * <p>Thread-safe. A hit is a map lookup and an identity comparison, without locking; stores take a lock.
 */
final class VerdictCache {
    /** The bounds of a guard's cache when nothing else is said: 1,024 verdicts, 4 Mi characters. */
    static final int DEFAULT_MAX_ENTRIES = 1024;
    static final long DEFAULT_MAX_CHARS = 4L * 1024 * 1024;

    /** What an entry costs beyond its text: the objects around it, counted as characters. */
    private static final int ENTRY_OVERHEAD = 64;

    private final int maxEntries;
    private final long maxChars;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Generation generation = new Generation(null);

    /** The verdicts of one catalog; replaced as a whole when another catalog is stored. */
    private static final class Generation {
        final Catalog catalog;
        final Map<String, Entry> verdicts = new ConcurrentHashMap<>();
        final ArrayDeque<Entry> order = new ArrayDeque<>(); // guarded by the cache's lock
        long chars; // guarded by the cache's lock

        Generation(Catalog catalog) {
            this.catalog = catalog;
        }
    }

    private static final class Entry {
        final String sql;
        final Verdict verdict;
        final long weight;
        /** Set by a hit, cleared by a sweep; racy on purpose: a lost update only changes which entry goes first. */
        boolean used;

        Entry(String sql, Verdict verdict, long weight) {
            this.sql = sql;
            this.verdict = verdict;
            this.weight = weight;
        }
    }

    /** @throws IllegalArgumentException if a bound is not positive */
    VerdictCache(int maxEntries, long maxChars) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive: " + maxChars);
        }
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
    }

    VerdictCache() {
        this(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_CHARS);
    }

    /** The verdict stored for {@code sql} against this very {@code catalog}, or null. */
    Verdict get(String sql, Catalog catalog) {
        Generation current = generation;
        if (current.catalog != catalog) {
            return null;
        }
        Entry entry = current.verdicts.get(sql);
        if (entry == null) {
            return null;
        }
        if (!entry.used) {
            entry.used = true;
        }
        return entry.verdict;
    }

    /**
     * Keeps {@code verdict} for {@code sql} against {@code catalog}, evicting what the bounds require; a
     * verdict for a catalog other than the current one starts a new generation. A verdict too large to keep
     * is not kept.
     */
    void put(String sql, Catalog catalog, Verdict verdict) {
        long weight = ENTRY_OVERHEAD + sql.length() + weight(verdict);
        if (weight > maxChars / 16) {
            return;
        }
        lock.lock();
        try {
            Generation current = generation;
            if (current.catalog != catalog) {
                if (current.catalog != null && catalog.loadedAt().isBefore(current.catalog.loadedAt())) {
                    return; // a call still on the catalog a refresh replaced: keep the newer generation
                }
                current = new Generation(catalog);
                generation = current;
            }
            Entry entry = new Entry(sql, verdict, weight);
            if (current.verdicts.putIfAbsent(sql, entry) != null) {
                return;
            }
            current.order.addLast(entry);
            current.chars += weight;
            // hits may set the flags again while this sweeps: after one round of second chances, no more
            int chances = current.order.size();
            while (current.verdicts.size() > maxEntries || current.chars > maxChars) {
                Entry oldest = current.order.pollFirst();
                if (oldest.used && chances-- > 0) {
                    oldest.used = false;
                    current.order.addLast(oldest);
                    continue;
                }
                current.verdicts.remove(oldest.sql);
                current.chars -= oldest.weight;
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many verdicts are kept (for tests). */
    int size() {
        return generation.verdicts.size();
    }

    /** The characters the kept verdicts weigh, overhead included (for tests). */
    long chars() {
        lock.lock();
        try {
            return generation.chars;
        } finally {
            lock.unlock();
        }
    }

    /** The characters of a verdict's text: what it keeps alive beyond a few small objects. */
    static long weight(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Allowed allowed -> allowed.sql().length() + chars(allowed.warnings());
            case Verdict.Denied denied -> denied.message().length() + weight(denied.details());
        };
    }

    private static long weight(RefusalDetails details) {
        return switch (details) {
            case RefusalDetails.None none -> 0;
            case RefusalDetails.LexicalError lexical -> 0;
            case RefusalDetails.UnsafeFunction function -> function.function().length();
            case RefusalDetails.DeniedSchemas schemas -> chars(schemas.schemas());
            case RefusalDetails.DeniedTables tables -> chars(tables.tables()) + chars(tables.suggestions())
                    + tables.availableTables().map(VerdictCache::chars).orElse(0L);
            case RefusalDetails.DeniedColumns columns -> chars(columns.columns()) + chars(columns.suggestions());
            case RefusalDetails.SyntaxError syntax -> syntax.sqlState().length()
                    + (syntax.hint() == null ? 0 : syntax.hint().length());
            case RefusalDetails.TooManyRows rows -> 0;
            case RefusalDetails.HiddenLargeTableRead read -> 0;
            case RefusalDetails.LargeTableRead read -> read.table().length() + chars(read.indexedColumns());
        };
    }

    private static long chars(List<String> texts) {
        long chars = 0;
        for (String text : texts) {
            chars += text.length() + 16;
        }
        return chars;
    }

    private static long chars(Map<String, List<String>> suggestions) {
        long chars = 0;
        for (Map.Entry<String, List<String>> entry : suggestions.entrySet()) {
            chars += entry.getKey().length() + 16 + chars(entry.getValue());
        }
        return chars;
    }
}
