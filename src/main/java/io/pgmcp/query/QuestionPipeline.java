package io.pgmcp.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.llm.ChatMessage;
import io.pgmcp.llm.ChatRequest;
import io.pgmcp.llm.Completion;
import io.pgmcp.llm.LlmClient;
import io.pgmcp.llm.LlmException;
import io.pgmcp.llm.PromptBuilder;
import io.pgmcp.llm.SqlReply;
import io.pgmcp.observability.Stage;
import io.pgmcp.observability.StageName;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.resilience.Admission;
import io.pgmcp.resilience.RateLimiter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code query} tool's pipeline: prompt from the policy-filtered schema → LLM →
 * extract SQL → the same guard, EXPLAIN policy and execution as {@code execute_sql}. The model's SQL
 * is untrusted input. PostgreSQL's syntax and data errors, EXPLAIN refusals and policy denials are fed
 * back to the model, in the words the tool's caller would see, for up to {@code server.max_sql_retry}
 * more attempts; timeouts, resource errors and connection failures are not retried. Optionally (and always for an empty result) the model is asked whether the rows answer
 * the question; doubt becomes a warning, never a failure. Thread-safe.
 */
public final class QuestionPipeline {
    private static final System.Logger logger = System.getLogger(QuestionPipeline.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Failures the model may be able to fix if told about them. */
    private static final Set<ErrorCode> FIXABLE = EnumSet.of(ErrorCode.SYNTAX_ERROR, ErrorCode.DATA_ERROR, ErrorCode.UNSAFE_SQL,
            ErrorCode.SCHEMA_ACCESS_DENIED, ErrorCode.TABLE_ACCESS_DENIED, ErrorCode.COLUMN_ACCESS_DENIED,
            ErrorCode.QUERY_TOO_EXPENSIVE, ErrorCode.SEQ_SCAN_DENIED);

    /** What the caller wants back. */
    public enum ReturnType { SQL, RESULT, BOTH }

    private final QueryPipeline pipeline;
    private final LlmClient llm;
    private final PromptBuilder prompts;
    private final RateLimiter limiter;
    private final Telemetry telemetry;

    /** @param limiter the LLM token budgets, checked before every model call */
    public QuestionPipeline(QueryPipeline pipeline, LlmClient llm, PromptBuilder prompts, RateLimiter limiter) {
        this.pipeline = pipeline;
        this.llm = llm;
        this.prompts = prompts;
        this.limiter = limiter;
        this.telemetry = pipeline.telemetry();
    }

    public QueryOutcome ask(String question, Optional<String> database, ReturnType returnType, Integer limit,
                            CancelSignal cancel, QueryPipeline.Progress progress) {
        DatabaseRouter.Resolution resolution = pipeline.router().resolve(database);
        if (resolution.failure() != null) {
            return resolution.failure();
        }
        Target target = resolution.target();
        Optional<QueryOutcome.Failure> noCatalog = pipeline.catalogReady(target);
        if (noCatalog.isPresent()) {
            return noCatalog.get();
        }
        Catalog catalog = target.catalog().current().orElseThrow();
        int rows = limit == null ? pipeline.server().maxResultRows() : limit;
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(new ChatMessage("system", PromptBuilder.systemMessage(rows)));
        messages.add(new ChatMessage("user", prompts.userMessage(target.policy().visible(catalog),
                target.explainPolicy().config().largeTableLimit(), question)));

        int attempts = 1 + pipeline.server().maxSqlRetry();
        QueryOutcome last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            progress.report(1, 4, attempt == 1 ? "generating SQL" : "generating SQL (attempt " + attempt + ")");
            Completion completion;
            Optional<SqlReply> reply;
            try (Stage stage = telemetry.stage(StageName.SQL_GENERATION, target.name()).attribute("pg_mcp.attempt", attempt)) {
                try {
                    completion = complete(new ChatRequest(List.copyOf(messages), true), cancel);
                } catch (LlmException e) {
                    stage.fail(ErrorCode.OPENAI_ERROR.name());
                    return openAiError(e);
                } catch (TokensRefused refused) {
                    stage.fail(refused.failure.code().name());
                    return refused.failure;
                }
                reply = SqlReply.parse(completion.content());
                if (reply.isEmpty()) {
                    stage.fail(ErrorCode.OPENAI_ERROR.name());
                }
            }
            messages.add(new ChatMessage("assistant", completion.content() == null ? "" : completion.content()));
            if (reply.isEmpty()) {
                last = new QueryOutcome.Failure(ErrorCode.OPENAI_ERROR, "The model produced no SQL.", details("attempts", attempt));
                retried(target, attempt, attempts, ErrorCode.OPENAI_ERROR);
                messages.add(new ChatMessage("user", "That was not a SQL query. Answer only with the JSON object "
                        + "{\"sql\": \"...\", \"explanation\": \"...\"}."));
                continue;
            }
            progress.report(2, 4, "checking SQL");
            QueryOutcome outcome = pipeline.checkAndRun(target, catalog, reply.get().sql(), rows, cancel,
                    (step, total, message) -> progress.report(3, 4, message), returnType != ReturnType.SQL);
            if (outcome instanceof QueryOutcome.Failure failure) {
                last = failure;
                if (!FIXABLE.contains(failure.code())) {
                    return failure;
                }
                retried(target, attempt, attempts, failure.code());
                messages.add(new ChatMessage("user", "Previous attempt failed with: " + failure.code() + ": "
                        + failure.message() + "\nFix the SQL and answer with the JSON object again."));
                continue;
            }
            QueryOutcome.Success success = (QueryOutcome.Success) outcome;
            List<String> warnings = new ArrayList<>(success.warnings());
            if (returnType != ReturnType.SQL) {
                validate(question, success, warnings);
            }
            return new QueryOutcome.Success(success.database(), success.sql(), reply.get().explanation(),
                    returnType == ReturnType.SQL ? Optional.empty() : success.result(), warnings, success.rewritten());
        }
        return last;
    }

    /** Counts a feedback retry ({@code pg_mcp_sql_retries_total}) when another attempt follows. */
    private void retried(Target target, int attempt, int attempts, ErrorCode reason) {
        if (attempt < attempts) {
            telemetry.sqlRetry(target.name(), reason.name());
        }
    }

    /** The rows as JSON text, for the model. */
    private static String json(List<List<Object>> rows) {
        try {
            return JSON.writeValueAsString(rows);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the rows could not be written as JSON", e);
        }
    }

    /** Asks the model whether the rows answer the question; a "no" is a warning, any failure is ignored. */
    private void validate(String question, QueryOutcome.Success success, List<String> warnings) {
        boolean empty = success.result().map(r -> r.rowCount() == 0).orElse(false);
        if (!pipeline.server().enableResultValidation() && !empty) {
            return;
        }
        String sample = success.result().map(r -> r.rows().size() > 20 ? "first 20 of " + r.rowCount() + " rows: "
                + json(r.rows()).substring(0, Math.min(4000, json(r.rows()).length())) : json(r.rows())).orElse("[]");
        try {
            Completion verdict = complete(new ChatRequest(List.of(
                    new ChatMessage("system", "You check whether a SQL result answers a question. Answer with JSON "
                            + "{\"answers\": true|false, \"reason\": \"...\"}."),
                    new ChatMessage("user", "Question: " + question + "\nSQL: " + success.sql() + "\nResult ("
                            + success.result().map(r -> r.columns().toString()).orElse("[]") + "): " + sample)), true),
                    CancelSignal.NONE);
            JsonNode node = JSON.readTree(verdict.content());
            if (node.path("answers").isBoolean() && !node.path("answers").asBoolean()) {
                warnings.add("The result may not answer the question: " + node.path("reason").asText("no reason given"));
            } else if (empty) {
                warnings.add("The query returned no rows.");
            }
        } catch (LlmException | TokensRefused | com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            logger.log(System.Logger.Level.DEBUG, "result validation skipped: {0}", e.getMessage());
            if (empty) {
                warnings.add("The query returned no rows.");
            }
        }
    }

    /**
     * One model call within the token budgets: the prompt's estimated tokens are admitted first (a
     * refusal is {@code RATE_LIMIT_EXCEEDED}), then the estimate is corrected by the usage reported.
     */
    private Completion complete(ChatRequest request, CancelSignal cancel) throws LlmException, TokensRefused {
        long estimate = 0;
        for (ChatMessage message : request.messages()) {
            estimate += RateLimiter.estimateTokens(message.content());
        }
        try (Stage stage = telemetry.stage(StageName.RATE_LIMIT, "").attribute("pg_mcp.rate_limit.tokens", estimate)) {
            switch (limiter.acquireTokens(estimate, cancel::onCancel)) {
                case Admission.Granted granted -> stage.attribute("pg_mcp.rate_limit.waited_ms", granted.waited().toMillis());
                case Admission.Refused refused -> {
                    ObjectNode details = JsonNodeFactory.instance.objectNode();
                    refused.details().forEach(details::putPOJO);
                    stage.fail(ErrorCode.RATE_LIMIT_EXCEEDED.name());
                    throw new TokensRefused(new QueryOutcome.Failure(ErrorCode.RATE_LIMIT_EXCEEDED, refused.message(), details));
                }
                case Admission.Cancelled cancelled -> {
                    stage.fail("CANCELLED");
                    throw new TokensRefused(new QueryOutcome.Failure(ErrorCode.INTERNAL_ERROR,
                            "The call was cancelled.", JsonNodeFactory.instance.objectNode()));
                }
            }
        }
        Completion completion;
        try {
            completion = llm.complete(request);
        } catch (LlmException e) {
            limiter.chargeTokens(estimate, 0);
            throw e;
        }
        limiter.chargeTokens(estimate, completion.promptTokens() + completion.completionTokens());
        return completion;
    }

    /** The token budget refused (or the call was cancelled while waiting for it). */
    private static final class TokensRefused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient QueryOutcome.Failure failure;

        TokensRefused(QueryOutcome.Failure failure) {
            super(failure.message(), null, false, false);
            this.failure = failure;
        }
    }

    private static QueryOutcome.Failure openAiError(LlmException e) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("reason", e.kind().name().toLowerCase(java.util.Locale.ROOT));
        e.retryAfter().ifPresent(d -> details.put("retry_after", Math.max(1, d.toSeconds())));
        return new QueryOutcome.Failure(ErrorCode.OPENAI_ERROR, e.getMessage(), details);
    }

    private static ObjectNode details(String key, int value) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put(key, value);
        return details;
    }
}
