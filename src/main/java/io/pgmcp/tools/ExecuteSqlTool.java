package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolAnnotations;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.QueryOutcome;
import io.pgmcp.query.QueryPipeline;
import java.util.Optional;
import java.util.Set;

/**
 * {@code execute_sql}: the client supplies the SQL; it passes the same guard, policy and execution
 * discipline as generated SQL. Works without any LLM configured.
 */
public final class ExecuteSqlTool implements Tool {
    static final int MAX_SQL_CHARS = 64 * 1024;

    private final QueryPipeline pipeline;
    private final ToolDefinition definition;

    public ExecuteSqlTool(QueryPipeline pipeline) {
        this.pipeline = pipeline;
        this.definition = new ToolDefinition("execute_sql", "Run a read-only SQL query",
                "Runs one read-only SQL query (SELECT, WITH ... SELECT, VALUES, TABLE) in PostgreSQL dialect and returns "
                        + "the rows. The SQL is checked first: one statement only, no writes, no locking, only side-effect-free "
                        + "functions, and only the schemas, tables and columns the access policy allows (search_schema and "
                        + "describe_table show them). Name columns explicitly instead of SELECT *. Results are capped by 'limit'. "
                        + "On failure the error_message says what to fix.",
                Schemas.parse("""
                        {"type":"object",
                         "properties":{
                           "sql":{"type":"string","minLength":1,"maxLength":65536,"description":"One read-only SQL query"},
                           "database":{"type":"string","description":"Database name; required when several are configured"},
                           "limit":{"type":"integer","minimum":1,"maximum":10000,"description":"Maximum rows to return"}},
                         "required":["sql"],
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
        Arguments args = new Arguments(arguments, Set.of("sql", "database", "limit"));
        Optional<String> sql = args.string("sql", true, 1, MAX_SQL_CHARS);
        Optional<String> database = args.string("database", false, 1, 63);
        Optional<Integer> limit = args.integer("limit", 1, 10_000);
        if (!args.problems().isEmpty()) {
            return Outcomes.validationError(args.problems());
        }
        QueryOutcome outcome = pipeline.executeSql(sql.orElseThrow(), database, limit.orElse(null), context::onCancel,
                (step, total, message) -> context.progress(step, (double) total, message));
        return Outcomes.result(outcome, outcome instanceof QueryOutcome.Success s && s.rewritten());
    }
}
