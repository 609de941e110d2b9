package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolAnnotations;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.QueryOutcome;
import io.pgmcp.query.QuestionPipeline;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code query}: a question in plain language becomes SQL through the configured OpenAI-compatible
 * model; the SQL passes the same guard, policy and execution as {@code execute_sql}.
 */
public final class QueryTool implements Tool {
    private final QuestionPipeline pipeline;
    private final ToolDefinition definition;

    public QueryTool(QuestionPipeline pipeline) {
        this.pipeline = pipeline;
        this.definition = new ToolDefinition("query", "Ask a question about the data",
                "Answers a question in plain language about a PostgreSQL database: a language model writes one read-only SQL "
                        + "query from the schema the access policy allows, pg-mcp checks it like execute_sql and runs it. "
                        + "return_type 'sql' only writes and checks the SQL, 'result' (default) returns the rows, 'both' returns both.",
                Schemas.parse("""
                        {"type":"object",
                         "properties":{
                           "question":{"type":"string","minLength":1,"maxLength":2000,"description":"The question, in plain language"},
                           "database":{"type":"string","description":"Database name; required when several are configured"},
                           "return_type":{"type":"string","enum":["sql","result","both"],"default":"result"},
                           "limit":{"type":"integer","minimum":1,"maximum":10000,"description":"Maximum rows to return"}},
                         "required":["question"],
                         "additionalProperties":false}"""),
                Schemas.output(),
                new ToolAnnotations(true, false, false, true));
    }

    @Override
    public ToolDefinition definition() {
        return definition;
    }

    @Override
    public ToolResult call(ObjectNode arguments, RequestContext context) {
        Arguments args = new Arguments(arguments, Set.of("question", "database", "return_type", "limit"));
        Optional<String> question = args.string("question", true, 1, 2000);
        Optional<String> database = args.string("database", false, 1, 63);
        Optional<String> returnType = args.choice("return_type", List.of("sql", "result", "both"));
        Optional<Integer> limit = args.integer("limit", 1, 10_000);
        if (!args.problems().isEmpty()) {
            return Outcomes.validationError(args.problems());
        }
        QuestionPipeline.ReturnType type = QuestionPipeline.ReturnType.valueOf(returnType.orElse("result").toUpperCase(Locale.ROOT));
        QueryOutcome outcome = pipeline.ask(question.orElseThrow(), database, type, limit.orElse(null), context::onCancel,
                (step, total, message) -> context.progress(step, (double) total, message));
        if (outcome instanceof QueryOutcome.Success success && type == QuestionPipeline.ReturnType.RESULT) {
            outcome = new QueryOutcome.Success(success.database(), success.sql(), Optional.empty(), success.result(),
                    success.warnings(), success.rewritten());
        }
        return Outcomes.result(outcome, type != QuestionPipeline.ReturnType.RESULT
                || outcome instanceof QueryOutcome.Success s && s.rewritten());
    }
}
