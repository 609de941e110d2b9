package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.db.SqlFailure;
import io.pgmcp.catalog.TableInfo;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.query.Step;
import io.pgmcp.query.Target;
import io.pgmcp.db.DatabaseException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code refresh_schema}: reloads the catalog of one database or all, e.g. after a migration. */
public final class RefreshSchemaTool extends PgMcpTool {
    private final DatabaseRouter router;
    private final Duration timeout;

    public RefreshSchemaTool(DatabaseRouter router, Duration timeout) {
        super(new ToolDefinition("refresh_schema", "Reload database schema",
                "Reloads the cached schema (tables, columns, indexes, row estimates) of one database, or of all when "
                        + "'database' is omitted. Use it after the database's structure changed.",
                Schemas.input(List.of(), """
                        "database":{"type":"string","description":"Database name; omit for all"}"""),
                Schemas.output(), READ_ONLY));
        this.router = router;
        this.timeout = timeout;
    }

    @Override
    ToolOutcome run(Arguments args, RequestContext context) {
        Optional<String> database = args.database();
        if (args.hasProblems()) {
            return args.invalid();
        }
        List<Target> targets;
        if (database.isPresent()) {
            switch (router.resolve(database)) {
                case Step.Failed(var failure) -> {
                    return ToolOutcome.of(failure, false);
                }
                case Step.Passed(var target) -> targets = List.of(target);
            }
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
                        .put("error", "unreachable (" + target.config().displayTarget() + "): "
                                + SqlFailure.of(e, false).message());
            }
        }
        if (refreshed.isEmpty()) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            details.set("failed", failed);
            return ToolOutcome.failed(ErrorCode.CONNECTION_ERROR, "No schema could be refreshed: "
                    + failed.findValuesAsText("error"), details);
        }
        if (!failed.isEmpty()) {
            body.set("failed", failed);
        }
        // several databases may have answered: the body names none
        return ToolOutcome.Answered.schema(body, null);
    }
}
