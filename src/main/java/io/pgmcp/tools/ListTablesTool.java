package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.catalog.RelationKind;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.mcp.ToolDefinition;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code list_tables}: the visible tables and views by name, with row estimates and comments, in
 * schema-then-name order, a page at a time (at most {@link #PAGE_SIZE} names and
 * {@link Answers#TOOL_BUDGET}), continued with the opaque {@code next_cursor}.
 */
public final class ListTablesTool extends DiscoveryTool {
    static final int PAGE_SIZE = 200;
    static final int MAX_COMMENT = 120;

    /** Catalog order: schema, then name (the order {@link io.pgmcp.catalog.Catalog#relations()} keeps). */
    private static final Comparator<TableInfo> ORDER = Comparator.comparing(TableInfo::schema)
            .thenComparing(TableInfo::name);

    public ListTablesTool(VisibleSchemas schemas) {
        super(new ToolDefinition("list_tables", "List tables",
                "Lists table and view names with estimated row counts and comments, 200 per page; pass next_cursor "
                        + "back as 'cursor' for the next page. name_pattern is a glob (* any characters, ? one; case "
                        + "ignored), e.g. 'invoice*'.",
                Schemas.input(List.of(), Schemas.DATABASE,
                        """
                                "schema":{"type":"string","description":"Only this schema"},
                                "name_pattern":{"type":"string","maxLength":200,"description":"Glob over the table name, or schema.table if it has a dot"},
                                "cursor":{"type":"string","description":"next_cursor of the previous page"}"""),
                Schemas.listOutput(), READ_ONLY), schemas);
    }

    @Override
    Request read(Arguments args) {
        Optional<String> database = args.database();
        Optional<String> schemaName = args.string("schema", false, 1, 63);
        Optional<String> patternText = args.string("name_pattern", false, 1, 200);
        Optional<String> cursorText = args.string("cursor", false, 1, PageCursor.MAX_LENGTH);
        Optional<TablePattern> pattern = Optional.empty();
        if (patternText.isPresent()) {
            TablePattern.Either parsed = TablePattern.parse(patternText.get());
            if (parsed.problem() != null) {
                args.problem(parsed.problem());
            }
            pattern = Optional.ofNullable(parsed.pattern());
        }
        Optional<PageCursor> cursor = cursorText.flatMap(PageCursor::decode);
        if (cursorText.isPresent() && cursor.isEmpty()) {
            args.problem(
                    "'cursor' is not a next_cursor that list_tables returned; call again without it to start over");
        }
        Optional<TablePattern> filter = pattern;
        return new Request(database, schema -> list(schema, schemaName, patternText, filter, cursor));
    }

    private static ToolOutcome list(VisibleSchemas.VisibleSchema schema, Optional<String> schemaName,
            Optional<String> patternText,
            Optional<TablePattern> filter, Optional<PageCursor> cursor) {
        String listing = PageCursor.listing(schema.database(), schemaName, patternText);
        if (cursor.isPresent() && !cursor.get().listing().equals(listing)) {
            return ToolOutcome.invalid(List.of("'cursor' belongs to a listing with another database, schema or "
                    + "name_pattern; pass the same ones, or call again without a cursor"));
        }
        List<TableInfo> matching = schema.catalog().relations().stream()
                .filter(t -> schemaName.isEmpty() || t.schema().equalsIgnoreCase(schemaName.get()))
                .filter(t -> TablePattern.matches(filter, t))
                .toList();
        TableInfo after = cursor.map(c -> new TableInfo(c.schema(), c.name(), RelationKind.TABLE, Optional.empty(), 0,
                List.of(), List.of())).orElse(null);

        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("success", true);
        body.put("database", schema.database());
        body.put("total", matching.size());
        ArrayNode tables = body.putArray("tables");
        int used = Answers.ENVELOPE;
        TableInfo last = null;
        boolean more = false;
        for (TableInfo table : matching) {
            if (after != null && ORDER.compare(table, after) <= 0) {
                continue;
            }
            ObjectNode entry = entry(table);
            int size = Answers.bytes(entry) + 1;
            if (tables.size() == PAGE_SIZE || used + size > Answers.TOOL_BUDGET) {
                more = true;
                break;
            }
            tables.add(entry);
            used += size;
            last = table;
        }
        if (more) {
            body.put("next_cursor", new PageCursor(listing, last.schema(), last.name()).encode());
        }
        if (matching.isEmpty()) {
            body.put("note",
                    schemaName.isPresent()
                            && schema.catalog().schemas().stream().noneMatch(s -> s.equalsIgnoreCase(schemaName.get()))
                                    ? "No visible schema is named '" + schemaName.get() + "'. Visible schemas: "
                                            + String.join(", ", schema.catalog().schemas()) + "."
                                    : "No table or view matches. search_schema finds tables by words.");
        }
        return ToolOutcome.Answered.schema(body, schema.database());
    }

    private static ObjectNode entry(TableInfo table) {
        ObjectNode entry = named(table);
        table.comment().ifPresent(c -> entry.put("comment", Answers.clip(c, MAX_COMMENT)));
        return entry;
    }

    /** The start of a table's entry in a listing: its name, its kind unless a table, its estimated rows if known. */
    static ObjectNode named(TableInfo table) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("table", table.qualifiedName());
        if (table.kind() != RelationKind.TABLE) {
            entry.put("kind", TableDescription.kind(table.kind()));
        }
        if (table.rowEstimate() >= 0) {
            entry.put("rows", Math.round(table.rowEstimate()));
        }
        return entry;
    }
}
