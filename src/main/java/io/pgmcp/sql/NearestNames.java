package io.pgmcp.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The names nearest to one that does not resolve, for "did you mean ...?": at most {@value #MAX}, by
 * optimal-string-alignment distance (Levenshtein plus transposition of neighbours), ignoring case,
 * within a bound that grows with the name's length (1 up to 3 characters, 2 up to 6, else 3); nearest
 * first, then alphabetical. The caller passes only names the caller of pg-mcp may see, so a
 * suggestion can never reveal a hidden one. Stateless.
 */
final class NearestNames {
    static final int MAX = 3;

    private NearestNames() {
    }

    /** The nearest of {@code candidates} to {@code name}, compared by {@code nameOf}; never {@code name} itself. */
    static <T> List<T> of(String name, Collection<T> candidates, Function<T, String> nameOf) {
        String wanted = name.toLowerCase(Locale.ROOT);
        int bound = bound(wanted.codePointCount(0, wanted.length()));
        record Near<T>(T candidate, String name, int distance) {
        }
        List<Near<T>> near = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (T candidate : candidates) {
            String candidateName = nameOf.apply(candidate);
            if (candidateName.equals(name) || !seen.add(candidateName)) {
                continue;
            }
            int distance = distance(wanted, candidateName.toLowerCase(Locale.ROOT), bound);
            if (distance <= bound) {
                near.add(new Near<>(candidate, candidateName, distance));
            }
        }
        return near.stream()
                .sorted(Comparator.<Near<T>>comparingInt(Near::distance).thenComparing(Near::name))
                .limit(MAX)
                .map(Near::candidate)
                .toList();
    }

    /** {@link #of} for plain names. */
    static List<String> of(String name, Collection<String> candidates) {
        return of(name, candidates, Function.identity());
    }

    static int bound(int length) {
        return length <= 3 ? 1 : length <= 6 ? 2 : 3;
    }

    /**
     * The optimal-string-alignment distance of {@code a} and {@code b} (by code point), or some value
     * over {@code bound} once it is certain to exceed it.
     */
    static int distance(String a, String b, int bound) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        if (Math.abs(x.length - y.length) > bound) {
            return bound + 1;
        }
        int[] before = new int[y.length + 1];
        int[] previous = new int[y.length + 1];
        int[] current = new int[y.length + 1];
        for (int j = 0; j <= y.length; j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length; i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= y.length; j++) {
                int cost = x[i - 1] == y[j - 1] ? 0 : 1;
                int d = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]) {
                    d = Math.min(d, before[j - 2] + 1);
                }
                current[j] = d;
                rowMin = Math.min(rowMin, d);
            }
            if (rowMin > bound) {
                return bound + 1;
            }
            int[] recycled = before;
            before = previous;
            previous = current;
            current = recycled;
        }
        return previous[y.length];
    }
}
