package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.catalog.CatalogIndex;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.IndexInfo;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.llm.SchemaText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything the visible schema says about one table or view, for {@code describe_table} (as JSON)
 * and the {@code schema://{database}/{table}} resource (as text): columns with types, nullability,
 * defaults, keys and comments; foreign keys both ways; indexes; the row estimate and whether the cost
 * policy treats the table as large. Built from the policy-filtered catalog, so a foreign key or index
 * on a hidden column, and a table that references this one from a hidden table or column, are not
 * there to show. Immutable.
 */
record TableDescription(String database, TableInfo table, List<CatalogIndex.Reference> referencedBy, boolean large,
        long largeThreshold) {
    /** The most referencing foreign keys listed; more are counted. */
    static final int MAX_REFERENCED_BY = 50;

    TableDescription {
        referencedBy = List.copyOf(referencedBy);
    }

    static TableDescription of(VisibleSchemas.VisibleSchema schema, TableInfo table) {
        return new TableDescription(schema.database(), table, schema.index().referencedBy(table), schema.isLarge(table),
                schema.target().config().accessPolicy().explainPolicy().largeTableThreshold());
    }

    /** How much of the description to show, from all of it down to fewer columns. */
    record Detail(boolean columnComments, int referencedBy, int indexes, int columns) {
        static final Detail FULL = new Detail(true, MAX_REFERENCED_BY, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The JSON body of {@code describe_table}, bounded to {@code budget} UTF-8 bytes by leaving details out. */
    ObjectNode json(int budget) {
        List<Detail> steps = List.of(Detail.FULL,
                new Detail(false, MAX_REFERENCED_BY, Integer.MAX_VALUE, Integer.MAX_VALUE),
                new Detail(false, 10, 10, Integer.MAX_VALUE));
        for (Detail detail : steps) {
            ObjectNode body = json(detail);
            if (Answers.bytes(body) <= budget) {
                return body;
            }
        }
        // fewer columns, halving until it fits (a table has at most 1,600)
        int columns = table.columns().size();
        ObjectNode body;
        do {
            columns /= 2;
            body = json(new Detail(false, 10, 10, columns));
        } while (columns > 0 && Answers.bytes(body) > budget);
        return body;
    }

    ObjectNode json(Detail detail) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("success", true);
        body.put("database", database);
        body.put("table", table.qualifiedName());
        body.put("kind", kind(table.kind()));
        table.comment().ifPresent(c -> body.put("comment", Answers.clip(c, 4 * Answers.MAX_COMMENT)));
        if (table.rowEstimate() >= 0) {
            body.put("row_estimate", Math.round(table.rowEstimate()));
        }
        body.put("large", large);
        ArrayNode columns = body.putArray("columns");
        List<String> primaryKey = new ArrayList<>();
        List<ColumnInfo> shown = table.columns().subList(0, Math.min(detail.columns(), table.columns().size()));
        for (ColumnInfo column : shown) {
            ObjectNode c = columns.addObject();
            c.put("name", column.name());
            c.put("type", column.type());
            if (!column.nullable()) {
                c.put("nullable", false);
            }
            column.defaultExpr().ifPresent(d -> c.put("default", d));
            if (column.primaryKey()) {
                c.put("primary_key", true);
            }
            if (column.unique() && !column.primaryKey()) {
                c.put("unique", true);
            }
            if (!column.enumValues().isEmpty()) {
                column.enumValues().forEach(c.putArray("enum_values")::add);
            }
            if (detail.columnComments()) {
                column.comment().ifPresent(comment -> c.put("comment", Answers.clip(comment, Answers.MAX_COMMENT)));
            }
        }
        table.columns().stream().filter(ColumnInfo::primaryKey).forEach(c -> primaryKey.add(c.name()));
        if (!primaryKey.isEmpty()) {
            primaryKey.forEach(body.putArray("primary_key")::add);
        }
        ArrayNode foreignKeys = JsonNodeFactory.instance.arrayNode();
        for (ColumnInfo column : shown) {
            column.foreignKey().ifPresent(fk -> foreignKeys.addObject().put("column", column.name())
                    .put("references", CatalogIndex.targetTable(fk))
                    .put("references_column", CatalogIndex.targetColumn(fk)));
        }
        if (!foreignKeys.isEmpty()) {
            body.set("foreign_keys", foreignKeys);
        }
        if (!referencedBy.isEmpty()) {
            ArrayNode referencing = body.putArray("referenced_by");
            referencedBy.stream().limit(detail.referencedBy()).forEach(r -> referencing.addObject()
                    .put("table", r.from().qualifiedName()).put("column", r.column())
                    .put("references_column", r.toColumn()));
        }
        if (!table.indexes().isEmpty()) {
            ArrayNode indexes = body.putArray("indexes");
            for (IndexInfo index : table.indexes().subList(0, Math.min(detail.indexes(), table.indexes().size()))) {
                ObjectNode i = indexes.addObject();
                i.put("name", index.name());
                index.columns().forEach(i.putArray("columns")::add);
                i.put("method", index.method());
                if (index.primary()) {
                    i.put("primary", true);
                } else if (index.unique()) {
                    i.put("unique", true);
                }
            }
        }
        List<String> omitted = omitted(detail);
        if (!omitted.isEmpty()) {
            body.put("truncated", true);
            body.put("note", "Left out to keep the answer small: " + String.join("; ", omitted) + ".");
        }
        return body;
    }

    private List<String> omitted(Detail detail) {
        List<String> omitted = new ArrayList<>();
        if (detail.columns() < table.columns().size()) {
            omitted.add((table.columns().size() - detail.columns()) + " of " + table.columns().size() + " columns");
        }
        if (!detail.columnComments() && table.columns().stream().anyMatch(c -> c.comment().isPresent())) {
            omitted.add("column comments");
        }
        if (table.indexes().size() > detail.indexes()) {
            omitted.add((table.indexes().size() - detail.indexes()) + " of " + table.indexes().size() + " indexes");
        }
        if (referencedBy.size() > detail.referencedBy()) {
            omitted.add((referencedBy.size() - detail.referencedBy()) + " of " + referencedBy.size()
                    + " referencing foreign keys");
        }
        return omitted;
    }

    /**
     * The text of the {@code schema://{database}/{table}} resource: the same facts, for reading, within
     * {@code budget} UTF-8 bytes (columns past it are counted, not shown).
     */
    String text(int budget) {
        StringBuilder head = new StringBuilder(256);
        head.append("### ").append(table.qualifiedName()).append(" (").append(kind(table.kind())).append(", database ")
                .append(database).append(")\n");
        table.comment().ifPresent(c -> head.append(Answers.clip(c, 4 * Answers.MAX_COMMENT)).append('\n'));
        if (table.rowEstimate() >= 0) {
            head.append("Estimated rows: ").append(String.format(Locale.ROOT, "%,d", Math.round(table.rowEstimate())));
            if (large) {
                head.append(" (large: over ").append(String.format(Locale.ROOT, "%,d", largeThreshold))
                        .append(" rows, so sequential scans are refused; filter on an indexed column)");
            }
            head.append('\n');
        } else {
            head.append("Estimated rows: unknown (never analyzed)\n");
        }
        StringBuilder tail = new StringBuilder();
        for (IndexInfo index : table.indexes()) {
            tail.append(tail.isEmpty() ? "Indexes:\n" : "").append("  - ").append(index.name()).append(" (")
                    .append(String.join(", ", index.columns())).append(") ").append(index.method())
                    .append(index.primary() ? " PRIMARY" : index.unique() ? " UNIQUE" : "").append('\n');
        }
        if (!referencedBy.isEmpty()) {
            tail.append("Referenced by:\n");
            referencedBy.stream().limit(MAX_REFERENCED_BY)
                    .forEach(r -> tail.append("  - ").append(r.from().qualifiedName())
                            .append('.').append(r.column()).append(" -> ").append(r.toColumn()).append('\n'));
            if (referencedBy.size() > MAX_REFERENCED_BY) {
                tail.append("  (").append(referencedBy.size() - MAX_REFERENCED_BY).append(" more)\n");
            }
        }
        String ending = Answers.bytes(tail.toString()) <= budget / 4
                ? tail.toString()
                : "(indexes and referencing foreign keys left out to keep this short: describe_table lists them)\n";
        int used = Answers.bytes(head.toString()) + Answers.bytes(ending) + 200;
        StringBuilder columns = new StringBuilder("Columns:\n");
        int shown = 0;
        for (ColumnInfo column : table.columns()) {
            String line = columnLine(column);
            int size = Answers.bytes(line);
            if (used + size > budget) {
                break;
            }
            columns.append(line);
            used += size;
            shown++;
        }
        if (shown < table.columns().size()) {
            columns.append("  (").append(table.columns().size() - shown)
                    .append(" more columns left out to keep this under ")
                    .append(budget / 1024).append(" KB)\n");
        }
        return head.append(columns).append(ending).toString();
    }

    private static String columnLine(ColumnInfo column) {
        StringBuilder line = new StringBuilder("  - ").append(column.name()).append(": ").append(column.type());
        List<String> notes = new ArrayList<>(SchemaText.constraints(column));
        column.foreignKey().ifPresent(fk -> notes.add("FK -> " + fk));
        if (!column.enumValues().isEmpty()) {
            notes.add("ENUM: " + String.join(", ", column.enumValues().stream().map(v -> "'" + v + "'").toList()));
        }
        column.defaultExpr().ifPresent(d -> notes.add("DEFAULT " + d));
        column.comment().ifPresent(c -> notes.add("\"" + Answers.clip(c, Answers.MAX_COMMENT) + "\""));
        if (!notes.isEmpty()) {
            line.append(" (").append(String.join(", ", notes)).append(')');
        }
        return line.append('\n').toString();
    }

    static String kind(RelationKind kind) {
        return switch (kind) {
            case TABLE -> "table";
            case PARTITIONED_TABLE -> "partitioned table";
            case VIEW -> "view";
            case MATERIALIZED_VIEW -> "materialized view";
            case FOREIGN_TABLE -> "foreign table";
        };
    }
}
