package io.pgmcp.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * What the analysis found wrong with a query, collected (not thrown) so that one answer names every
 * refused item. Turned into a {@link Verdict.Denied} with the most serious reason first: unsafe SQL,
 * then schemas, tables, columns.
 *
 * <p>A table or column that does not exist and one that may not be read are recorded and reported
 * alike — named as the query wrote them, with the same words and the same nearest visible names —
 * so that no answer tells a hidden name from a missing one.
 */
final class Findings {
    /** Tables listed in a refusal at most, when some refused name has no near visible name. */
    static final int MAX_LISTED_TABLES = 20;

    private final List<String> unsafe = new ArrayList<>();
    private String unsafeFunction;
    private final Set<String> schemas = new LinkedHashSet<>();
    /** Tables that do not exist or may not be read, as written, and the nearest visible tables. */
    private final Map<String, List<String>> tables = new LinkedHashMap<>();
    /** Columns that do not exist or may not be read, as written, and the nearest visible columns. */
    private final Map<String, List<String>> columns = new LinkedHashMap<>();
    /** Tables whose hidden columns a whole-row use would read ({@code table.*}). */
    private final Set<String> hiddenColumns = new LinkedHashSet<>();
    private final List<String> columnReasons = new ArrayList<>();
    private boolean selectStar;
    /** Select items that are nothing but a refused column: {@code on_denied: filter} may drop them. */
    final List<SelectItem<?>> filterable = new ArrayList<>();
    /** Refused column uses that are not filterable select items. */
    int unfilterableColumnDenials;

    void unsafe(String message) {
        unsafe.add(message);
    }

    /** A call of a function that is not allowed; {@code why} is the reason when it is a refused built-in. */
    void function(String name, Optional<FunctionAllowlist.Exclusion> why) {
        if (unsafeFunction == null) {
            unsafeFunction = name;
        }
        unsafe.add("function " + name + "() is not allowed ("
                + why.map(e -> e.category().replace('_', ' ') + ": " + e.reason())
                        .orElse("it is not on the list of side-effect-free functions")
                + ")");
    }

    void schema(String schema) {
        schemas.add(schema);
    }

    /**
     * A table that does not exist or may not be read.
     *
     * @param written     the name as the query wrote it
     * @param suggestions the nearest tables the caller may read
     */
    void table(String written, List<String> suggestions) {
        tables.putIfAbsent(written, List.copyOf(suggestions));
    }

    /**
     * A column that does not exist or may not be read.
     *
     * @param written        the name as the query wrote it ({@code name} or {@code relation.name})
     * @param suggestions    the nearest columns the caller may read, of the relations it could have meant
     * @param filterableItem the select item that is nothing but this column, or null
     */
    void column(String written, List<String> suggestions, SelectItem<?> filterableItem) {
        columns.merge(written, List.copyOf(suggestions), (a, b) -> a.isEmpty() ? b : a);
        if (filterableItem != null) {
            filterable.add(filterableItem);
        } else {
            unfilterableColumnDenials++;
        }
    }

    /** A column reference that resolves to nothing, with nothing to suggest. */
    void column(String written) {
        column(written, List.of(), null);
    }

    /**
     * A use of a table's columns that would include denied ones the query did not name (whole-row
     * reference, alias column list, NATURAL join): reported by table, without the hidden names.
     */
    void hiddenColumns(String table, String reason) {
        hiddenColumns.add(table + ".*");
        columnReasons.add(reason);
        unfilterableColumnDenials++;
    }

    void selectStar() {
        selectStar = true;
    }

    boolean any() {
        return !unsafe.isEmpty() || !schemas.isEmpty() || !tables.isEmpty() || !columns.isEmpty()
                || !hiddenColumns.isEmpty()
                || selectStar;
    }

    boolean onlyColumnDenials() {
        return unsafe.isEmpty() && schemas.isEmpty() && tables.isEmpty();
    }

    /**
     * The verdict for these findings; call only when {@link #any()}.
     *
     * @param visibleTables the tables the caller may read, as a model should write them
     */
    Verdict.Denied verdict(List<String> visibleTables) {
        if (!unsafe.isEmpty()) {
            RefusalDetails details = unsafeFunction == null
                    ? new RefusalDetails.None()
                    : new RefusalDetails.UnsafeFunction(unsafeFunction);
            return new Verdict.Denied(Verdict.Reason.UNSAFE_SQL, "Not allowed: " + String.join("; ", unsafe)
                    + ". Only one read-only SELECT (or WITH ... SELECT, VALUES, TABLE) using side-effect-free functions is allowed.",
                    details);
        }
        if (!schemas.isEmpty()) {
            return new Verdict.Denied(Verdict.Reason.SCHEMA_ACCESS_DENIED,
                    "Access to schema(s) " + String.join(", ", schemas)
                            + " is not allowed. Use only the tables listed in the schema resource.",
                    new RefusalDetails.DeniedSchemas(List.copyOf(schemas)));
        }
        if (!tables.isEmpty()) {
            List<String> sentences = missing("Table", tables);
            Optional<List<String>> available = Optional.empty();
            if (tables.values().stream().anyMatch(List::isEmpty)) {
                List<String> listed = visibleTables.subList(0, Math.min(MAX_LISTED_TABLES, visibleTables.size()));
                available = Optional.of(listed);
                int more = visibleTables.size() - listed.size();
                sentences.add(visibleTables.isEmpty()
                        ? "No table may be read."
                        : "Available tables: " + String.join(", ", listed)
                                + (more > 0 ? ", and " + more + " more (see the schema resource)." : "."));
            }
            return new Verdict.Denied(Verdict.Reason.TABLE_ACCESS_DENIED, String.join(" ", sentences),
                    new RefusalDetails.DeniedTables(List.copyOf(tables.keySet()), suggestions(tables), available));
        }
        Set<String> all = new LinkedHashSet<>(columns.keySet());
        all.addAll(hiddenColumns);
        List<String> sentences = missing("Column", columns);
        for (String reason : new LinkedHashSet<>(columnReasons)) {
            sentences.add(Character.toUpperCase(reason.charAt(0)) + reason.substring(1) + ".");
        }
        sentences.add("Name only the allowed columns (see the schema resource).");
        return new Verdict.Denied(Verdict.Reason.COLUMN_ACCESS_DENIED, String.join(" ", sentences),
                new RefusalDetails.DeniedColumns(List.copyOf(all), selectStar, suggestions(columns)));
    }

    /** One sentence per name: "Column x does not exist or may not be read; did you mean y?". */
    private static List<String> missing(String kind, Map<String, List<String>> names) {
        List<String> sentences = new ArrayList<>();
        names.forEach((name, nearest) -> {
            StringBuilder sentence = new StringBuilder(kind).append(' ').append(name)
                    .append(" does not exist or may not be read");
            if (nearest.isEmpty()) {
                sentence.append('.');
            } else {
                String alternatives = nearest.size() == 1
                        ? nearest.getFirst()
                        : String.join(", ", nearest.subList(0, nearest.size() - 1)) + " or " + nearest.getLast();
                sentence.append("; did you mean ").append(alternatives).append('?');
            }
            sentences.add(sentence.toString());
        });
        return sentences;
    }

    /** The names that have nearest visible names, with them, in the order the query wrote them. */
    private static Map<String, List<String>> suggestions(Map<String, List<String>> names) {
        Map<String, List<String>> suggestions = new LinkedHashMap<>();
        names.forEach((name, nearest) -> {
            if (!nearest.isEmpty()) {
                suggestions.put(name, nearest);
            }
        });
        return suggestions;
    }
}
