package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolAnnotations;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.ErrorCode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code describe_table}: one table or view as the access policy lets it be seen ({@link
 * TableDescription}). A table that does not exist and one the policy hides get the same answer,
 * {@code TABLE_ACCESS_DENIED} with the nearest visible names, so the answer tells nothing about
 * what is hidden.
 */
public final class DescribeTableTool implements Tool {
    private final VisibleSchemas schemas;
    private final ToolDefinition definition;

    public DescribeTableTool(VisibleSchemas schemas) {
        this.schemas = schemas;
        this.definition = new ToolDefinition("describe_table", "Describe one table",
                "Describes one table or view: columns with types, nullability, defaults and comments, primary key, "
                        + "foreign keys both ways, indexes, enum values, the estimated row count and whether it is "
                        + "large (sequential scans refused: filter on an indexed column).",
                Schemas.parse("""
                        {"type":"object",
                         "properties":{
                           "table":{"type":"string","minLength":1,"maxLength":300,"description":"Table or view name, optionally schema-qualified"},
                           "database":{"type":"string","description":"Database name; required when several are configured"}},
                         "required":["table"],
                         "additionalProperties":false}"""),
                Schemas.describeOutput(),
                new ToolAnnotations(true, false, true, false));
    }

    @Override
    public ToolDefinition definition() {
        return definition;
    }

    @Override
    public ToolResult call(ObjectNode arguments, RequestContext context) {
        Arguments args = new Arguments(arguments, Set.of("table", "database"));
        Optional<String> table = args.string("table", true, 1, 300);
        Optional<String> database = args.string("database", false, 1, 63);
        if (!args.problems().isEmpty()) {
            return Outcomes.validationError(args.problems());
        }
        VisibleSchemas.Resolution resolution = schemas.resolve(database);
        if (resolution.failure() != null) {
            return Outcomes.result(resolution.failure(), false);
        }
        VisibleSchemas.VisibleSchema schema = resolution.schema();
        Optional<TableInfo> found = TableNames.find(schema.catalog(), table.get(), schema.target().policy().searchPath());
        if (found.isEmpty()) {
            return notVisible(schema, table.get());
        }
        return ToolResult.success(TableDescription.of(schema, found.get()).json(Answers.TOOL_BUDGET));
    }

    /** The one answer for a table that is missing or hidden: built from the written name and visible names only. */
    static ToolResult notVisible(VisibleSchemas.VisibleSchema schema, String written) {
        List<String> nearest = TableNames.nearest(schema.index(), written);
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("database", schema.database());
        details.put("table", Answers.clip(written, 300));
        nearest.forEach(details.putArray("suggestions")::add);
        return ToolErrors.failure(ErrorCode.TABLE_ACCESS_DENIED.name(), "Table or view '" + Answers.clip(written, 300)
                + "' does not exist in database '" + schema.database() + "' or may not be read."
                + (nearest.isEmpty() ? "" : " Nearest visible names: " + String.join(", ", nearest) + ".")
                + " search_schema finds tables by words; list_tables lists them.", details);
    }
}
