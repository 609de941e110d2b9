package io.pgmcp.catalog;

/** What a relation in the catalog is, from {@code pg_class.relkind}. */
public enum RelationKind {
    TABLE, PARTITIONED_TABLE, VIEW, MATERIALIZED_VIEW, FOREIGN_TABLE;

    /** Maps {@code relkind}; answers null for kinds the catalog does not list (indexes, sequences, ...). */
    static RelationKind fromRelkind(String relkind) {
        return switch (relkind) {
            case "r" -> TABLE;
            case "p" -> PARTITIONED_TABLE;
            case "v" -> VIEW;
            case "m" -> MATERIALIZED_VIEW;
            case "f" -> FOREIGN_TABLE;
            default -> null;
        };
    }

    public boolean isView() {
        return this == VIEW || this == MATERIALIZED_VIEW;
    }
}
