package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.ToolDefinition;

/** A tool for tests: every call comes to what {@code answer} says; it takes any of the arguments sql, database, question. */
final class StubTool extends PgMcpTool {
    /** What one call comes to. */
    @FunctionalInterface
    interface Answer {
        ToolOutcome next(Arguments arguments) throws Exception;
    }

    private final Answer answer;

    StubTool(String name, Answer answer) {
        super(new ToolDefinition(name, null, "a stub", Schemas.input(java.util.List.of(), """
                "sql":{"type":"string"}""", Schemas.DATABASE, """
                "question":{"type":"string"}"""), JsonNodeFactory.instance.objectNode().put("type", "object"),
                READ_ONLY));
        this.answer = answer;
    }

    @Override
    ToolOutcome run(Arguments arguments, RequestContext context) throws Exception {
        return answer.next(arguments);
    }

    /** A success with rows, as execute_sql answers it, naming {@code database}. */
    static ToolOutcome rows(String database, long count) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("success", true).put("database", database);
        body.putObject("result").put("row_count", count).put("truncated", false);
        return new ToolOutcome.Answered(body, java.util.Optional.ofNullable(database), java.util.Optional.empty(),
                java.util.Optional.of(new ToolOutcome.Rows(count, false)));
    }
}
