package io.pgmcp.config;

/**
 * How many one-character edits turn one name into another, for "did you mean ...?" hints (unknown
 * configuration keys, unknown tables and columns): the optimal-string-alignment distance — insertions,
 * deletions, substitutions and transpositions of neighbours count one each — by code point and case
 * sensitive (callers fold case themselves). Stateless.
 */
public final class EditDistance {
    private EditDistance() {}

    /**
     * The distance of {@code a} and {@code b}, or some value over {@code bound} once it is certain to
     * exceed it (so that far names cost little).
     */
    public static int between(String a, String b, int bound) {
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
