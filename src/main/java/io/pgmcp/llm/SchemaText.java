package io.pgmcp.llm;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.EnumType;
import io.pgmcp.catalog.IndexInfo;
import io.pgmcp.catalog.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Renders a (policy-filtered) catalog as the schema text the LLM and the {@code schema://} resource
 * see: per table a {@code ### schema.table} heading, its comment, {@code Columns:} and
 * {@code Indexes:}; then views and custom types. Given the EXPLAIN policy's large-table threshold, the
 * heading of a table estimated above it says so, with the columns it can be filtered on through an
 * index: {@code ### public.orders  (large: ~200,000 rows; filter through an index on: id, customer_id)}.
 * Pure and thread-safe.
 */
public final class SchemaText {

    private SchemaText() {}

    /** The whole catalog, no table marked large. */
    public static String render(Catalog catalog) {
        return render(catalog, OptionalLong.empty());
    }

    /**
     * The whole catalog.
     *
     * @param largeTableThreshold tables estimated above it are marked large; empty marks none
     */
    public static String render(Catalog catalog, OptionalLong largeTableThreshold) {
        return render(catalog, catalog.relations(), false, largeTableThreshold);
    }

    /** As {@link #render(Catalog, List, boolean, OptionalLong)}, no table marked large. */
    public static String render(Catalog catalog, List<TableInfo> relations, boolean partial) {
        return render(catalog, relations, partial, OptionalLong.empty());
    }

    /**
     * The given relations only; {@code partial} adds a note that other tables exist (for large
     * catalogs, where the prompt holds the tables relevant to the question).
     *
     * @param largeTableThreshold tables estimated above it are marked large; empty marks none
     */
    public static String render(Catalog catalog, List<TableInfo> relations, boolean partial,
            OptionalLong largeTableThreshold) {
        StringBuilder text = new StringBuilder(256 + relations.size() * 200);
        text.append("Database: ").append(catalog.database()).append('\n');
        if (partial) {
            text.append("(Partial schema: only the tables most relevant to the question are shown; ")
                    .append(catalog.size()).append(" relations exist in total.)\n");
        }
        List<TableInfo> views = new ArrayList<>();
        text.append("\n## Tables\n");
        boolean anyTable = false;
        for (TableInfo table : relations) {
            if (table.kind().isView()) {
                views.add(table);
                continue;
            }
            anyTable = true;
            relation(text, table, largeTableThreshold);
        }
        if (!anyTable) {
            text.append("\n(no tables visible)\n");
        }
        if (!views.isEmpty()) {
            text.append("\n## Views\n");
            views.forEach(v -> relation(text, v, largeTableThreshold)); // a materialized view can be large
        }
        if (!catalog.enums().isEmpty()) {
            text.append("\n## Custom types\n");
            for (EnumType type : catalog.enums()) {
                text.append("- ").append(type.schema()).append('.').append(type.name()).append(": ENUM ")
                        .append(quotedList(type.labels())).append('\n');
            }
        }
        return text.toString();
    }

    private static void relation(StringBuilder text, TableInfo table, OptionalLong largeTableThreshold) {
        text.append("\n### ").append(table.qualifiedName());
        switch (table.kind()) {
            case VIEW -> text.append(" (view)");
            case MATERIALIZED_VIEW -> text.append(" (materialized view)");
            case FOREIGN_TABLE -> text.append(" (foreign table)");
            case PARTITIONED_TABLE -> text.append(" (partitioned table)");
            default -> {}
        }
        boolean large = largeTableThreshold.isPresent() && table.rowEstimate() > largeTableThreshold.getAsLong();
        if (large) {
            List<String> indexed = table.indexedColumns();
            text.append(String.format(Locale.ROOT, "  (large: ~%,.0f rows; ", table.rowEstimate()))
                    .append(indexed.isEmpty()
                            ? "no index to filter on: use a LIMIT"
                            : "filter through an index on: "
                                    + String.join(", ", indexed))
                    .append(')');
        }
        text.append('\n');
        table.comment().ifPresent(c -> text.append(c.strip()).append('\n'));
        if (table.rowEstimate() >= 0 && !large) {
            text.append("Estimated rows: ").append(String.format(Locale.ROOT, "%.0f", table.rowEstimate()))
                    .append('\n');
        }
        text.append("Columns:\n");
        for (ColumnInfo column : table.columns()) {
            text.append("  - ").append(column.name()).append(": ").append(column.type());
            List<String> notes = new ArrayList<>(constraints(column));
            column.foreignKey().ifPresent(fk -> notes.add("FK -> " + shortTarget(fk)));
            if (!column.enumValues().isEmpty()) {
                notes.add("ENUM: " + quotedList(column.enumValues()));
            }
            column.defaultExpr().ifPresent(d -> notes.add("DEFAULT " + d));
            column.comment().ifPresent(c -> notes.add("\"" + c.strip() + "\""));
            if (!notes.isEmpty()) {
                text.append(" (").append(String.join(", ", notes)).append(')');
            }
            text.append('\n');
        }
        if (!table.indexes().isEmpty()) {
            text.append("Indexes:\n");
            for (IndexInfo index : table.indexes()) {
                text.append("  - ").append(index.name()).append(" (").append(String.join(", ", index.columns()))
                        .append(") ").append(index.method());
                if (index.primary()) {
                    text.append(" PRIMARY");
                } else if (index.unique()) {
                    text.append(" UNIQUE");
                }
                text.append('\n');
            }
        }
    }

    /** {@code public.users.id} → {@code users.id} for public, the full name otherwise. */
    private static String shortTarget(String fk) {
        return fk.startsWith("public.") ? fk.substring("public.".length()) : fk;
    }

    private static String quotedList(List<String> labels) {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < labels.size(); i++) {
            list.append(i == 0 ? "" : ", ").append('\'').append(labels.get(i)).append('\'');
        }
        return list.append(']').toString();
    }

    /** The column's constraints as schema texts write them: PRIMARY KEY, or else NOT NULL and UNIQUE. */
    public static List<String> constraints(ColumnInfo column) {
        if (column.primaryKey()) {
            return List.of("PRIMARY KEY");
        }
        List<String> constraints = new ArrayList<>(2);
        if (!column.nullable()) {
            constraints.add("NOT NULL");
        }
        if (column.unique()) {
            constraints.add("UNIQUE");
        }
        return constraints;
    }
}
