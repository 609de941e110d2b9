package io.pgmcp.tools;

import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.query.QueryOutcome;
import io.pgmcp.query.QueryPipeline;
import java.util.List;
import java.util.Optional;

/**
 * {@code execute_sql}: the client supplies the SQL; it passes the same guard, policy and execution
 * discipline as generated SQL. Works without any LLM configured.
 */
public final class ExecuteSqlTool extends PgMcpTool {
    static final int MAX_SQL_CHARS = 64 * 1024;

    private final QueryPipeline pipeline;

    public ExecuteSqlTool(QueryPipeline pipeline) {
        super(new ToolDefinition("execute_sql", "Run a read-only SQL query",
                "Runs one read-only SQL query (SELECT, WITH ... SELECT, VALUES, TABLE) in PostgreSQL dialect and returns "
                        + "the rows. The SQL is checked first: one statement only, no writes, no locking, only side-effect-free "
                        + "functions, and only the schemas, tables and columns the access policy allows (search_schema and "
                        + "describe_table show them). Name columns explicitly instead of SELECT *. Results are capped by 'limit'. "
                        + "On failure the error_message says what to fix.",
                Schemas.input(List.of("sql"),
                        """
                                "sql":{"type":"string","minLength":1,"maxLength":65536,"description":"One read-only SQL query"}""",
                        Schemas.DATABASE, Schemas.ROW_LIMIT),
                Schemas.output(), READ_ONLY));
        this.pipeline = pipeline;
    }

    @Override
    ToolOutcome run(Arguments args, RequestContext context) {
        Optional<String> sql = args.string("sql", true, 1, MAX_SQL_CHARS);
        Optional<String> database = args.database();
        Optional<Integer> limit = args.integer("limit", 1, 10_000);
        if (args.hasProblems()) {
            return args.invalid();
        }
        QueryOutcome outcome = pipeline.executeSql(sql.orElseThrow(), database, limit.orElse(null), context::onCancel,
                (step, total, message) -> context.progress(step, (double) total, message));
        return ToolOutcome.of(outcome, outcome instanceof QueryOutcome.Success s && s.rewritten());
    }
}
