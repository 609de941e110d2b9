package io.pgmcp.db;

import java.util.List;
import java.util.Optional;

/**
 * A table, view or materialized view.
 *
 * @param rowEstimate {@code pg_class.reltuples}: the planner's estimate, -1 when never analyzed
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
}
