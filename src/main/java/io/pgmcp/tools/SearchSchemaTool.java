package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.catalog.CatalogIndex;
import io.pgmcp.catalog.ColumnInfo;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.mcp.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code search_schema}: the tables and views most relevant to some words, ranked by the same word
 * index the {@code query} tool uses to pick tables for its prompt (names weigh most, then column
 * names, then comments), each with its columns in one compact line. The answer stays within
 * {@link Answers#TOOL_BUDGET}; what does not fit is counted and said.
 */
public final class SearchSchemaTool extends DiscoveryTool {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 50;
    /** The most of one table's column line; longer lines end with a count of the rest. */
    static final int MAX_COLUMNS_CHARS = 1500;

    public SearchSchemaTool(VisibleSchemas schemas) {
        super(new ToolDefinition("search_schema", "Find tables by words",
                "Finds the tables and views most relevant to a few words (matched against table names, column names "
                        + "and comments) and returns each with its columns and types. Start here to find the tables "
                        + "a question needs; then describe_table for keys, indexes and row counts.",
                Schemas.input(List.of("query"),
                        """
                                "query":{"type":"string","minLength":1,"maxLength":500,"description":"Words to look for, e.g. 'invoice payments'"}""",
                        Schemas.DATABASE,
                        """
                                "limit":{"type":"integer","minimum":1,"maximum":50,"default":10,"description":"Most tables to return"}"""),
                Schemas.searchOutput(), READ_ONLY), schemas);
    }

    @Override
    Request read(Arguments args) {
        Optional<String> query = args.string("query", true, 1, 500);
        Optional<String> database = args.database();
        Optional<Integer> limit = args.integer("limit", 1, MAX_LIMIT);
        if (query.isPresent() && CatalogIndex.words(query.get()).isEmpty()) {
            args.problem("'query' has no word to search for (words are letters or digits, at least 2 characters)");
        }
        return new Request(database, schema -> search(schema, query.orElseThrow(), limit.orElse(DEFAULT_LIMIT)));
    }

    private static ToolOutcome search(VisibleSchemas.VisibleSchema schema, String query, int wanted) {
        CatalogIndex.Ranking ranking = schema.index().rank(query, wanted, true);

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("success", true);
        body.put("database", schema.database());
        body.put("total_matches", ranking.total());
        ArrayNode tables = body.putArray("tables");
        int used = Answers.ENVELOPE;
        int shown = 0;
        boolean cut = false;
        for (CatalogIndex.Match match : ranking.matches()) {
            ObjectNode entry = entry(schema, match.table(), MAX_COLUMNS_CHARS);
            int size = Answers.bytes(entry) + 1;
            if (used + size > Answers.TOOL_BUDGET && shown == 0) {
                entry = entry(schema, match.table(), 200); // the best match is always shown, its columns shortened
                size = Answers.bytes(entry) + 1;
            }
            if (used + size > Answers.TOOL_BUDGET) {
                cut = true;
                break;
            }
            tables.add(entry);
            used += size;
            shown++;
        }
        body.put("truncated", cut);
        List<String> notes = new ArrayList<>();
        if (ranking.total() == 0) {
            notes.add("No table or view matches these words. Try other words (a synonym, a column name), "
                    + "or list_tables with a name_pattern.");
        } else if (shown < ranking.total()) {
            notes.add((ranking.total() - shown) + " more tables match; " + (cut
                    ? "the answer is bounded to "
                            + Answers.TOOL_BUDGET / 1024 + " KB, "
                    : "") + "add words to narrow the search, or raise 'limit'.");
        }
        if (shown > 0) {
            notes.add(
                    "Columns are 'name type'; PK primary key, FK -> referenced table.column. describe_table shows keys, "
                            + "indexes, defaults and comments.");
        }
        body.put("note", String.join(" ", notes));
        return ToolOutcome.Answered.schema(body, schema.database());
    }

    private static ObjectNode entry(VisibleSchemas.VisibleSchema schema, TableInfo table, int maxColumnChars) {
        ObjectNode entry = ListTablesTool.named(table);
        if (schema.isLarge(table)) {
            entry.put("large", true);
        }
        table.comment().ifPresent(c -> entry.put("comment", Answers.clip(c, 200)));
        entry.put("columns", columns(table.columns(), maxColumnChars));
        return entry;
    }

    /** {@code id integer PK, customer_id integer FK -> public.customers.id, status order_status ('new', 'paid')}. */
    static String columns(List<ColumnInfo> columns, int maxChars) {
        StringBuilder line = new StringBuilder();
        int shown = 0;
        for (ColumnInfo column : columns) {
            StringBuilder one = new StringBuilder(column.name()).append(' ').append(column.type());
            if (column.primaryKey()) {
                one.append(" PK");
            }
            column.foreignKey().ifPresent(fk -> one.append(" FK -> ").append(fk));
            if (!column.enumValues().isEmpty()) {
                String values = String.join(", ", column.enumValues().stream().map(v -> "'" + v + "'").toList());
                one.append(" (").append(values.length() <= 120 ? values : column.enumValues().size() + " enum values")
                        .append(')');
            }
            String separator = line.isEmpty() ? "" : ", ";
            if (line.length() + separator.length() + one.length() > maxChars) {
                break;
            }
            line.append(separator).append(one);
            shown++;
        }
        if (shown < columns.size()) {
            line.append(line.isEmpty() ? "" : ", ").append("... ").append(columns.size() - shown)
                    .append(" more (describe_table)");
        }
        return line.toString();
    }
}
