package io.pgmcp.tools;

import io.pgmcp.catalog.Catalog;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code schema://{database}} resource of a schema too large to show whole: the visible table and
 * view names per schema (with a short comment), within {@link VisibleSchemas#RESOURCE_LIMIT}, saying
 * what is left out and which tools and resources show it. Pure.
 */
final class SchemaOverview {
    static final int COMMENT_CHARS = 80;
    /** Room kept for the closing line that counts the names left out. */
    private static final int FOOTER = 200;

    private SchemaOverview() {}

    /** The schema text when it fits, else the overview. */
    static String text(VisibleSchemas.VisibleSchema schema) {
        return schema.completeText().orElseGet(() -> overview(schema, VisibleSchemas.RESOURCE_LIMIT));
    }

    /** {@code 2,002 tables}, {@code 1 view}. */
    static String count(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    static String overview(VisibleSchemas.VisibleSchema schema, int limit) {
        Catalog catalog = schema.catalog();
        String database = schema.database();
        long views = catalog.relations().stream().filter(TableInfo::isViewLike).count();
        StringBuilder text = new StringBuilder(limit);
        text.append("Database: ").append(database).append('\n')
                .append(String.format(Locale.ROOT, "Schema overview: %s and %s are visible. The whole schema text "
                        + "(%,d characters) is larger than the %d KB this resource holds, so this overview lists names and "
                        + "short comments only: columns, keys and indexes are left out.\n",
                        count(catalog.size() - views, "table"),
                        count(views, "view"), schema.fullTextLength(), limit / 1024))
                .append("To see them:\n")
                .append("- search_schema {\"query\": \"<words>\"}: the tables matching the words, with their columns\n")
                .append("- describe_table {\"table\": \"<schema.table>\"}: one table in full\n")
                .append("- list_tables {\"name_pattern\": \"invoice*\"}: names, 200 per page\n")
                .append("- the resource schema://").append(database).append("/{table}, e.g. schema://").append(database)
                .append('/')
                .append(catalog.relations().isEmpty() ? "public.orders" : catalog.relations().get(0).qualifiedName())
                .append('\n');
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (TableInfo table : catalog.relations()) {
            counts.computeIfAbsent(table.schema(), s -> new int[2])[table.isViewLike() ? 1 : 0]++;
        }
        int used = Answers.bytes(text.toString());
        int shown = 0;
        String currentSchema = null;
        List<TableInfo> relations = catalog.relations();
        for (TableInfo table : relations) {
            StringBuilder lines = new StringBuilder();
            if (!table.schema().equals(currentSchema)) {
                int[] count = counts.get(table.schema());
                lines.append("\n## ").append(table.schema()).append(" (").append(count(count[0], "table")).append(", ")
                        .append(count(count[1], "view")).append(")\n");
            }
            lines.append("- ").append(table.name());
            if (table.kind() != RelationKind.TABLE) {
                lines.append(" (").append(TableDescription.kind(table.kind())).append(')');
            }
            table.comment()
                    .ifPresent(c -> lines.append(": ").append(Answers.clip(c.replaceAll("\\s+", " "), COMMENT_CHARS)));
            lines.append('\n');
            int size = Answers.bytes(lines.toString());
            if (used + size > limit - FOOTER) {
                break;
            }
            text.append(lines);
            used += size;
            shown++;
            currentSchema = table.schema();
        }
        if (shown < relations.size()) {
            text.append(
                    String.format(Locale.ROOT, "\n(%,d more names are not shown, to keep this under %d KB: list_tables "
                            + "lists them all, 200 per page.)\n", relations.size() - shown, limit / 1024));
        }
        return text.toString();
    }
}
