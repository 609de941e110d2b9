package io.pgmcp.mcp;

import java.util.List;

/**
 * The answer to {@code completion/complete}: at most {@link #MAX_VALUES} suggestions, the number of
 * matches in all, and whether there are more than those shown.
 *
 * @param values  the suggestions, best first; at most 100
 * @param total   how many values match in all; at least {@code values.size()}
 * @param hasMore whether matches exist beyond {@code values}
 */
public record Completion(List<String> values, int total, boolean hasMore) {
    /** The protocol's limit on the values of one answer. */
    public static final int MAX_VALUES = 100;

    /** @throws IllegalArgumentException naming the bad value if there are too many values or the total is too small */
    public Completion {
        values = List.copyOf(values);
        if (values.size() > MAX_VALUES) {
            throw new IllegalArgumentException(
                    "a completion holds at most " + MAX_VALUES + " values, not " + values.size());
        }
        if (total < values.size()) {
            throw new IllegalArgumentException(
                    "completion total " + total + " is below its " + values.size() + " values");
        }
    }

    /** The first {@link #MAX_VALUES} of {@code matches}, with the total and whether more exist. */
    public static Completion of(List<String> matches) {
        int shown = Math.min(matches.size(), MAX_VALUES);
        return new Completion(matches.subList(0, shown), matches.size(), matches.size() > shown);
    }

    /** No suggestions. */
    public static Completion none() {
        return new Completion(List.of(), 0, false);
    }
}
