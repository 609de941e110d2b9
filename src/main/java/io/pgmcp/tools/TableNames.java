package io.pgmcp.tools;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.CatalogIndex;
import io.pgmcp.catalog.TableInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a table by the name a model wrote, in a policy-filtered catalog: {@code orders},
 * {@code public.orders}, {@code "Order Items"} or {@code sales."Order Items"}. A quoted part matches
 * exactly; an unquoted one exactly, then as PostgreSQL folds it (lower case), then ignoring case when
 * that is unambiguous. Without a schema, the schemas of the search path are tried first, in order,
 * then the others. When nothing matches, {@link #nearest} suggests visible names — computed from
 * the visible catalog and the written name alone, so a denied table and a missing one get the same
 * suggestions. Pure.
 */
final class TableNames {
    /** The most names {@link #nearest} suggests. */
    static final int NEAREST = 3;

    private TableNames() {}

    /** A name as written: an optional schema and the table, each remembering whether it was quoted. */
    record Written(Optional<Part> schema, Part table) {}

    /** One part of a dotted name, without its quotes. */
    record Part(String text, boolean quoted) {}

    /** @return the parts of {@code written}, or empty if it is not one or two (optionally quoted) names */
    static Optional<Written> parse(String written) {
        List<Part> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < written.length() && written.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    part.append(c);
                }
            } else if (c == '"' && part.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == '.') {
                if (part.isEmpty()) {
                    return Optional.empty();
                }
                parts.add(new Part(part.toString(), wasQuoted));
                part.setLength(0);
                wasQuoted = false;
            } else if (wasQuoted) {
                return Optional.empty(); // text after a closing quote
            } else {
                part.append(c);
            }
        }
        if (quoted || part.isEmpty() || parts.size() > 1) {
            return Optional.empty();
        }
        parts.add(new Part(part.toString(), wasQuoted));
        return Optional.of(parts.size() == 1
                ? new Written(Optional.empty(), parts.get(0))
                : new Written(Optional.of(parts.get(0)), parts.get(1)));
    }

    /** The table {@code written} names in {@code visible}, if any. */
    static Optional<TableInfo> find(Catalog visible, String written, List<String> searchPath) {
        Optional<Written> name = parse(written.strip());
        if (name.isEmpty()) {
            return Optional.empty();
        }
        List<String> schemas = new ArrayList<>();
        if (name.get().schema().isPresent()) {
            Part schema = name.get().schema().get();
            for (String candidate : visible.schemas()) {
                if (matches(schema, candidate)) {
                    schemas.add(candidate);
                }
            }
            if (schemas.size() > 1) {
                schemas.removeIf(s -> !s.equals(schema.text()) && !s.equals(schema.text().toLowerCase(Locale.ROOT)));
            }
        } else {
            Set<String> ordered = new LinkedHashSet<>(searchPath);
            ordered.addAll(visible.schemas());
            schemas.addAll(ordered);
        }
        Part table = name.get().table();
        for (String schema : schemas) {
            Optional<TableInfo> exact = visible.table(schema, table.text());
            if (exact.isPresent()) {
                return exact;
            }
            if (!table.quoted()) {
                Optional<TableInfo> folded = visible.table(schema, table.text().toLowerCase(Locale.ROOT));
                if (folded.isPresent()) {
                    return folded;
                }
            }
        }
        if (table.quoted()) {
            return Optional.empty();
        }
        List<TableInfo> ignoringCase = visible.relations().stream()
                .filter(t -> schemas.contains(t.schema()) && t.name().equalsIgnoreCase(table.text()))
                .toList();
        return ignoringCase.size() == 1 ? Optional.of(ignoringCase.get(0)) : Optional.empty();
    }

    private static boolean matches(Part written, String actual) {
        return written.quoted() ? actual.equals(written.text()) : actual.equalsIgnoreCase(written.text());
    }

    /**
     * Up to {@link #NEAREST} visible names close to {@code written}: those within a small edit distance
     * of its table part, closest first, then tables sharing its words.
     */
    static List<String> nearest(CatalogIndex index, String written) {
        String stripped = written.strip();
        String table = parse(stripped).map(w -> w.table().text()).orElse(stripped).toLowerCase(Locale.ROOT);
        if (table.length() > 128) {
            table = table.substring(0, 128);
        }
        int limit = Math.max(2, table.length() / 3);
        record Candidate(String name, int distance) {}
        List<Candidate> close = new ArrayList<>();
        for (TableInfo info : index.catalog().relations()) {
            int distance = distance(table, info.name().toLowerCase(Locale.ROOT), limit);
            if (distance <= limit) {
                close.add(new Candidate(info.qualifiedName(), distance));
            }
        }
        close.sort(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name));
        Set<String> names = new LinkedHashSet<>();
        close.stream().limit(NEAREST).forEach(c -> names.add(c.name()));
        if (names.size() < NEAREST) {
            for (CatalogIndex.Match match : index.rank(stripped, NEAREST, true).matches()) {
                if (names.size() < NEAREST) {
                    names.add(match.table().qualifiedName());
                }
            }
        }
        return List.copyOf(names);
    }

    /** Levenshtein distance, or {@code limit + 1} as soon as it must exceed {@code limit}. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int best = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                best = Math.min(best, current[j]);
            }
            if (best > limit) {
                return limit + 1;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
