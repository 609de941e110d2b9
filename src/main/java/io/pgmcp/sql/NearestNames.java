package io.pgmcp.sql;

import io.pgmcp.config.EditDistance;
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
 * {@link EditDistance} (Levenshtein plus transposition of neighbours), ignoring case,
 * within a bound that grows with the name's length (1 up to 3 characters, 2 up to 6, else 3); nearest
 * first, then alphabetical. The caller passes only names the caller of pg-mcp may see, so a
 * suggestion can never reveal a hidden one. Stateless.
 */
final class NearestNames {
    static final int MAX = 3;

    private NearestNames() {}

    /** The nearest of {@code candidates} to {@code name}, compared by {@code nameOf}; never {@code name} itself. */
    static <T> List<T> of(String name, Collection<T> candidates, Function<T, String> nameOf) {
        String wanted = name.toLowerCase(Locale.ROOT);
        int bound = bound(wanted.codePointCount(0, wanted.length()));
        record Near<T>(T candidate, String name, int distance) {}
        List<Near<T>> near = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (T candidate : candidates) {
            String candidateName = nameOf.apply(candidate);
            if (candidateName.equals(name) || !seen.add(candidateName)) {
                continue;
            }
            int distance = EditDistance.between(wanted, candidateName.toLowerCase(Locale.ROOT), bound);
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
}
