package io.pgmcp.config;

import java.util.Collection;
import java.util.Locale;

/** Finds the known key an unknown one was probably meant to be, for "did you mean" hints. */
final class KeySuggestion {
    private KeySuggestion() {}

    /** The first nearest candidate within a small edit distance of {@code name} (at most 2, less for short names), or null. */
    static String closest(String name, Collection<String> candidates) {
        String lower = name.toLowerCase(Locale.ROOT);
        int bound = Math.min(2, Math.max(1, name.length() / 3));
        String best = null;
        int bestDistance = bound + 1;
        for (String candidate : candidates) {
            int d = EditDistance.between(lower, candidate, bound);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }
}
