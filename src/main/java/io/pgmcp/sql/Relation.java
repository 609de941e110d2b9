package io.pgmcp.sql;

import io.pgmcp.db.TableInfo;
import java.util.List;
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
 */
record Relation(String name, Optional<TableInfo> table, boolean qualified, List<String> columns, boolean exact,
                boolean guessed) {
    Relation {
        columns = List.copyOf(columns);
    }

    static Relation base(String name, TableInfo table, boolean qualified, List<String> columns) {
        return new Relation(name, Optional.of(table), qualified, columns, true, false);
    }

    static Relation derived(String name, List<String> columns, boolean exact) {
        return new Relation(name, Optional.empty(), false, columns, exact, false);
    }

    static Relation guessed(String name, List<String> columns) {
        return new Relation(name, Optional.empty(), false, columns, true, true);
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
