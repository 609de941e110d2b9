package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.db.ResultTable;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.QueryOutcome;

/** Shapes a {@link QueryOutcome} into a tool's response body (a success, or {@link ToolErrors#failure}). */
final class Outcomes {

    private Outcomes() {}

    static ToolResult result(QueryOutcome outcome, boolean includeSql) {
        return switch (outcome) {
            case QueryOutcome.Failure failure -> ToolErrors.failure(failure);
            case QueryOutcome.Success success -> {
                ObjectNode body = JsonNodeFactory.instance.objectNode();
                body.put("success", true);
                body.put("database", success.database());
                if (includeSql) {
                    body.put("sql", success.sql());
                }
                success.explanation().ifPresent(e -> body.put("explanation", e));
                success.result().ifPresent(table -> body.set("result", table(table)));
                if (!success.warnings().isEmpty()) {
                    success.warnings().forEach(body.putArray("warnings")::add);
                }
                yield ToolResult.success(body);
            }
        };
    }

    static ObjectNode table(ResultTable table) {
        return ResultJson.table(table);
    }
}
