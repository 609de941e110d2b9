package io.pgmcp.catalog;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A table, view or materialized view.
 *
 * @param rowEstimate the estimated rows: {@code pg_class.reltuples}, or the statistics' live tuples when more
 *                    (a table loaded since it was last analyzed); -1 when unknown
 */
public record TableInfo(String schema, String name, RelationKind kind, Optional<String> comment, double rowEstimate,
        List<ColumnInfo> columns, List<IndexInfo> indexes) {
    public TableInfo {
        columns = List.copyOf(columns);
        indexes = List.copyOf(indexes);
    }

    /** {@code schema.name}, unquoted. */
    public String qualifiedName() {
        return schema + "." + name;
    }

    /** A view or materialized view. */
    public boolean isViewLike() {
        return kind.isView();
    }

    public Optional<ColumnInfo> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /**
     * The columns a filter can use an index on: the leading column of each index whose key is a plain
     * column of this table (expression indexes are left out), the primary key's first. On a table of
     * a policy-filtered catalog these are readable columns of indexes whose columns are all readable.
     */
    public List<String> indexedColumns() {
        LinkedHashSet<String> leading = new LinkedHashSet<>();
        Stream.concat(indexes.stream().filter(IndexInfo::primary), indexes.stream().filter(i -> !i.primary()))
                .filter(i -> !i.columns().isEmpty() && column(i.columns().getFirst()).isPresent())
                .forEach(i -> leading.add(i.columns().getFirst()));
        return List.copyOf(leading);
    }
}
