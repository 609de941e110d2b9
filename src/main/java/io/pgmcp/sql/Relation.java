package io.pgmcp.sql;

import io.pgmcp.catalog.TableInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Something a FROM clause (or a CTE) makes visible under a name: a catalog table, or a derived
 * relation (subquery, CTE, VALUES, function) whose content the guard has already checked.
 *
 * @param name      the name references use: the alias, else the table or CTE name (folded)
 * @param table     the catalog table for a base relation, empty for a derived one
 * @param qualified true when the name is the table's own (no alias), so {@code schema.table.col} works
 * @param columns   the column names references may use, in order (renamed by an alias column list)
 * @param exact     false when the derived relation's column names could not be worked out for
 *                  certain; unqualified names then cannot be resolved past it
 * @param guessed   true when PostgreSQL may not have these columns at all: a polymorphic function in
 *                  FROM ({@code unnest(x) AS u}) yields the column {@code u} unless x holds rows, whose
 *                  columns it yields instead; a name found only here is also resolved past it
 * @param rows      the columns that hold a whole row of known fields ({@code SELECT t AS x}), with those
 *                  fields: only they make {@code (x).f} a field and not PostgreSQL's call {@code f(x)}
 */
record Relation(String name, Optional<TableInfo> table, boolean qualified, List<String> columns, boolean exact,
        boolean guessed, Map<String, List<String>> rows) {
    Relation {
        columns = List.copyOf(columns);
        rows = Map.copyOf(rows);
    }

    static Relation base(String name, TableInfo table, boolean qualified, List<String> columns) {
        return new Relation(name, Optional.of(table), qualified, columns, true, false, Map.of());
    }

    static Relation derived(String name, List<String> columns, boolean exact) {
        return derived(name, columns, exact, Map.of());
    }

    static Relation derived(String name, List<String> columns, boolean exact, Map<String, List<String>> rows) {
        return new Relation(name, Optional.empty(), false, columns, exact, false, rows);
    }

    static Relation guessed(String name, List<String> columns) {
        return new Relation(name, Optional.empty(), false, columns, true, true, Map.of());
    }

    /**
     * The fields of this relation's whole row, when they are known: a table's columns (its row type's,
     * whatever an alias list calls them), or an exact derived relation's.
     */
    Optional<List<String>> rowFields() {
        if (table.isPresent()) {
            return Optional.of(table.get().columns().stream().map(io.pgmcp.catalog.ColumnInfo::name).toList());
        }
        return exact && !guessed ? Optional.of(columns) : Optional.empty();
    }

    /** {@link #rows} keyed by new names: the column at each position of {@code before} is called as in {@code after}. */
    static Map<String, List<String>> renameRows(Map<String, List<String>> rows, List<String> before,
            List<String> after) {
        Map<String, List<String>> renamed = new java.util.HashMap<>();
        for (int i = 0; i < before.size() && i < after.size(); i++) {
            if (rows.containsKey(before.get(i))) {
                renamed.put(after.get(i), rows.get(before.get(i)));
            }
        }
        return renamed;
    }

    boolean hasColumn(String column) {
        return columns.contains(column);
    }

    /** The catalog column behind the {@code index}-th visible column of a base relation. */
    String catalogColumn(String visible) {
        int index = columns.indexOf(visible);
        return table.map(t -> t.columns().get(index).name()).orElse(visible);
    }
}
