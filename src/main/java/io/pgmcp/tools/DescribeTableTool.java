package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.query.ErrorCode;
import java.util.List;
import java.util.Optional;

/**
 * {@code describe_table}: one table or view as the access policy lets it be seen ({@link
 * TableDescription}). A table that does not exist and one the policy hides get the same answer,
 * {@code TABLE_ACCESS_DENIED} with the nearest visible names, so the answer tells nothing about
 * what is hidden.
 */
public final class DescribeTableTool extends DiscoveryTool {

    public DescribeTableTool(VisibleSchemas schemas) {
        super(new ToolDefinition("describe_table", "Describe one table",
                "Describes one table or view: columns with types, nullability, defaults and comments, primary key, "
                        + "foreign keys both ways, indexes, enum values, the estimated row count and whether it is "
                        + "large (sequential scans refused: filter on an indexed column).",
                Schemas.input(List.of("table"),
                        """
                                "table":{"type":"string","minLength":1,"maxLength":300,"description":"Table or view name, optionally schema-qualified"}""",
                        Schemas.DATABASE),
                Schemas.describeOutput(), READ_ONLY), schemas);
    }

    @Override
    Request read(Arguments args) {
        Optional<String> table = args.string("table", true, 1, 300);
        return new Request(args.database(), schema -> describe(schema, table.orElseThrow()));
    }

    private static ToolOutcome describe(VisibleSchemas.VisibleSchema schema, String table) {
        Optional<TableInfo> found = TableNames.find(schema.catalog(), table, schema.target().policy().searchPath());
        if (found.isEmpty()) {
            return notVisible(schema, table);
        }
        return ToolOutcome.Answered.schema(TableDescription.of(schema, found.get()).json(Answers.TOOL_BUDGET),
                schema.database());
    }

    /** The one answer for a table that is missing or hidden: built from the written name and visible names only. */
    static ToolOutcome.Failed notVisible(VisibleSchemas.VisibleSchema schema, String written) {
        List<String> nearest = TableNames.nearest(schema.index(), written);
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("database", schema.database());
        details.put("table", Answers.clip(written, 300));
        nearest.forEach(details.putArray("suggestions")::add);
        return ToolOutcome.failed(ErrorCode.TABLE_ACCESS_DENIED, "Table or view '" + Answers.clip(written, 300)
                + "' does not exist in database '" + schema.database() + "' or may not be read."
                + (nearest.isEmpty() ? "" : " Nearest visible names: " + String.join(", ", nearest) + ".")
                + " search_schema finds tables by words; list_tables lists them.", details);
    }
}
