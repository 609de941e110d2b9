package io.pgmcp.tools;

import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.ToolAnnotations;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.query.QueryOutcome;
import io.pgmcp.query.QuestionPipeline;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code query}: a question in plain language becomes SQL through the configured OpenAI-compatible
 * model; the SQL passes the same guard, policy and execution as {@code execute_sql}.
 */
public final class QueryTool extends PgMcpTool {
    private final QuestionPipeline pipeline;

    public QueryTool(QuestionPipeline pipeline) {
        super(new ToolDefinition("query", "Ask a question about the data",
                "Answers a question in plain language about a PostgreSQL database: a language model writes one read-only SQL "
                        + "query from the schema the access policy allows, pg-mcp checks it like execute_sql and runs it. "
                        + "return_type 'sql' only writes and checks the SQL, 'result' (default) returns the rows, 'both' returns both.",
                Schemas.input(List.of("question"),
                        """
                                "question":{"type":"string","minLength":1,"maxLength":2000,"description":"The question, in plain language"}""",
                        Schemas.DATABASE, """
                                "return_type":{"type":"string","enum":["sql","result","both"],"default":"result"}""",
                        Schemas.ROW_LIMIT),
                Schemas.output(),
                // not idempotent: the model may write other SQL next time; open world: the model is outside pg-mcp
                new ToolAnnotations(true, false, false, true)));
        this.pipeline = pipeline;
    }

    @Override
    ToolOutcome run(Arguments args, RequestContext context) {
        Optional<String> question = args.string("question", true, 1, 2000);
        Optional<String> database = args.database();
        Optional<String> returnType = args.choice("return_type", List.of("sql", "result", "both"));
        Optional<Integer> limit = args.integer("limit", 1, 10_000);
        if (args.hasProblems()) {
            return args.invalid();
        }
        QuestionPipeline.ReturnType type = QuestionPipeline.ReturnType
                .valueOf(returnType.orElse("result").toUpperCase(Locale.ROOT));
        QueryOutcome outcome = pipeline.ask(question.orElseThrow(), database, type, limit.orElse(null),
                context::onCancel,
                (step, total, message) -> context.progress(step, (double) total, message));
        if (outcome instanceof QueryOutcome.Success success && type == QuestionPipeline.ReturnType.RESULT) {
            outcome = new QueryOutcome.Success(success.database(), success.sql(), Optional.empty(), success.result(),
                    success.warnings(), success.rewritten());
        }
        return ToolOutcome.of(outcome, type != QuestionPipeline.ReturnType.RESULT
                || outcome instanceof QueryOutcome.Success s && s.rewritten());
    }
}
