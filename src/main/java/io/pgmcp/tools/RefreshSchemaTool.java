package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.db.SqlFailure;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolAnnotations;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.query.Target;
import io.pgmcp.db.DatabaseException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code refresh_schema}: reloads the catalog of one database or all, e.g. after a migration. */
public final class RefreshSchemaTool implements Tool {
    private final DatabaseRouter router;
    private final Duration timeout;
    private final ToolDefinition definition;

    public RefreshSchemaTool(DatabaseRouter router, Duration timeout) {
        this.router = router;
        this.timeout = timeout;
        this.definition = new ToolDefinition("refresh_schema", "Reload database schema",
                "Reloads the cached schema (tables, columns, indexes, row estimates) of one database, or of all when "
                        + "'database' is omitted. Use it after the database's structure changed.",
                Schemas.parse("""
                        {"type":"object",
                         "properties":{"database":{"type":"string","description":"Database name; omit for all"}},
                         "additionalProperties":false}"""),
                Schemas.output(),
                new ToolAnnotations(true, false, true, false));
    }

    @Override
    public ToolDefinition definition() {
        return definition;
    }

    @Override
    public ToolResult call(ObjectNode arguments, RequestContext context) {
        Arguments args = new Arguments(arguments, Set.of("database"));
        Optional<String> database = args.string("database", false, 1, 63);
        if (!args.problems().isEmpty()) {
            return Outcomes.validationError(args.problems());
        }
        List<Target> targets;
        if (database.isPresent()) {
            DatabaseRouter.Resolution resolution = router.resolve(database);
            if (resolution.failure() != null) {
                return Outcomes.result(resolution.failure(), false);
            }
            targets = List.of(resolution.target());
        } else {
            targets = router.all();
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("success", true);
        ArrayNode refreshed = body.putArray("refreshed");
        ArrayNode failed = JsonNodeFactory.instance.arrayNode();
        for (Target target : targets) {
            try {
                Catalog catalog = target.policy().visible(target.catalog().refresh(timeout));
                long views = catalog.relations().stream().filter(TableInfo::isViewLike).count();
                refreshed.addObject().put("database", target.name())
                        .put("tables", catalog.size() - views).put("views", views);
            } catch (DatabaseException e) {
                failed.addObject().put("database", target.name())
                        .put("error", "unreachable (" + target.config().displayTarget() + "): " + SqlFailure.of(e, false).message());
            }
        }
        if (refreshed.isEmpty()) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            details.set("failed", failed);
            return ToolErrors.failure(ErrorCode.CONNECTION_ERROR.name(), "No schema could be refreshed: "
                    + failed.findValuesAsText("error"), details);
        }
        if (!failed.isEmpty()) {
            body.set("failed", failed);
        }
        return ToolResult.success(body);
    }
}
