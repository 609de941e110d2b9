package io.pgmcp.query;

import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.Catalog;
import io.pgmcp.llm.ChatMessage;
import io.pgmcp.llm.ChatRequest;
import io.pgmcp.llm.Completion;
import io.pgmcp.llm.LlmClient;
import io.pgmcp.llm.LlmException;
import io.pgmcp.llm.PromptBuilder;
import io.pgmcp.llm.ResultJudgement;
import io.pgmcp.llm.SqlReply;
import io.pgmcp.observability.Stage;
import io.pgmcp.observability.StageName;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.resilience.Admission;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.sql.Verdict;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
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

    /** Failures the model may be able to fix if told about them. */
    private static final Set<ErrorCode> FIXABLE = EnumSet.of(ErrorCode.SYNTAX_ERROR, ErrorCode.DATA_ERROR,
            ErrorCode.UNSAFE_SQL,
            ErrorCode.SCHEMA_ACCESS_DENIED, ErrorCode.TABLE_ACCESS_DENIED, ErrorCode.COLUMN_ACCESS_DENIED,
            ErrorCode.QUERY_TOO_EXPENSIVE, ErrorCode.SEQ_SCAN_DENIED, ErrorCode.RESULT_TOO_LARGE);

    /** What the caller wants back. */
    public enum ReturnType {
        SQL, RESULT, BOTH
    }

    private final QueryPipeline pipeline;
    private final ServerConfig server;
    private final LlmClient llm;
    private final PromptBuilder prompts;
    private final RateLimiter limiter;
    private final Telemetry telemetry;

    /**
     * @param pipeline  the stages the model's SQL goes through
     * @param server    the attempts ({@code max_sql_retry}) and result validation settings
     * @param telemetry measures and traces SQL generation and the token budget (the pipeline's own telemetry)
     * @param limiter   the LLM token budgets, checked before every model call
     */
    public QuestionPipeline(QueryPipeline pipeline, ServerConfig server, Telemetry telemetry, LlmClient llm,
            PromptBuilder prompts,
            RateLimiter limiter) {
        this.pipeline = pipeline;
        this.server = server;
        this.telemetry = java.util.Objects.requireNonNull(telemetry, "telemetry");
        this.llm = llm;
        this.prompts = prompts;
        this.limiter = limiter;
    }

    public QueryOutcome ask(String question, Optional<String> database, ReturnType returnType, Integer limit,
            CancelSignal cancel, QueryPipeline.Progress progress) {
        Target target;
        switch (pipeline.resolve(database)) {
            case Step.Failed(var failure) -> {
                return failure;
            }
            case Step.Passed(var resolved) -> target = resolved;
        }
        Catalog catalog;
        switch (pipeline.readyCatalog(target)) {
            case Step.Failed(var failure) -> {
                return failure;
            }
            case Step.Passed(var ready) -> catalog = ready;
        }
        int rows = pipeline.rowLimit(limit);
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(new ChatMessage("system", PromptBuilder.systemMessage(rows)));
        messages.add(new ChatMessage("user", prompts.userMessage(target.policy().visible(catalog),
                target.explainPolicy().config().largeTableLimit(), question)));

        int attempts = 1 + server.maxSqlRetry();
        QueryOutcome.Failure last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            progress.report(1, 4, attempt == 1 ? "generating SQL" : "generating SQL (attempt " + attempt + ")");
            Completion completion;
            Optional<SqlReply> reply;
            try (Stage stage = telemetry.stage(StageName.SQL_GENERATION, target.name()).attribute("pg_mcp.attempt",
                    attempt)) {
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
                last = new QueryOutcome.Failure(ErrorCode.OPENAI_ERROR, "The model produced no SQL.",
                        new FailureDetails.NoSql(attempt));
                retried(target, attempt, attempts, ErrorCode.OPENAI_ERROR);
                messages.add(new ChatMessage("user", "That was not a SQL query. Answer only with the JSON object "
                        + "{\"sql\": \"...\", \"explanation\": \"...\"}."));
                continue;
            }
            progress.report(2, 4, "checking SQL");
            switch (run(target, catalog, reply.get().sql(), rows, cancel, progress, returnType != ReturnType.SQL)) {
                case QueryOutcome.Failure failure -> {
                    last = failure;
                    if (!FIXABLE.contains(failure.code())) {
                        return failure;
                    }
                    retried(target, attempt, attempts, failure.code());
                    messages.add(new ChatMessage("user", "Previous attempt failed with: " + failure.code() + ": "
                            + failure.message() + "\nFix the SQL and answer with the JSON object again."));
                }
                case QueryOutcome.Success success -> {
                    List<String> warnings = new ArrayList<>(success.warnings());
                    if (returnType != ReturnType.SQL) {
                        validate(question, success, warnings);
                    }
                    return new QueryOutcome.Success(success.database(), success.sql(), reply.get().explanation(),
                            returnType == ReturnType.SQL ? Optional.empty() : success.result(), warnings,
                            success.rewritten());
                }
            }
        }
        return last;
    }

    /**
     * The model's SQL through the pipeline's check and plan stages, then (when {@code execute}) its
     * execution; with {@code execute} false the success carries the checked SQL and no result.
     */
    private QueryOutcome run(Target target, Catalog catalog, String sql, int rows, CancelSignal cancel,
            QueryPipeline.Progress progress, boolean execute) {
        Verdict.Allowed checked;
        switch (pipeline.check(target, catalog, sql)) {
            case Step.Failed(var failure) -> {
                return failure;
            }
            case Step.Passed(var allowed) -> checked = allowed;
        }
        Verdict.Allowed planned;
        switch (pipeline.plan(target, catalog, checked)) {
            case Step.Failed(var failure) -> {
                return failure;
            }
            case Step.Passed(var withPlan) -> planned = withPlan;
        }
        if (!execute) {
            return new QueryOutcome.Success(target.name(), planned.sql(), Optional.empty(), Optional.empty(),
                    planned.warnings(),
                    planned.rewritten());
        }
        progress.report(3, 4, "executing");
        return pipeline.execute(target, planned, rows, cancel);
    }

    /** Counts a feedback retry ({@code pg_mcp_sql_retries_total}) when another attempt follows. */
    private void retried(Target target, int attempt, int attempts, ErrorCode reason) {
        if (attempt < attempts) {
            telemetry.sqlRetry(target.name(), reason.name());
        }
    }

    /** Asks the model whether the rows answer the question; a "no" is a warning, any failure is ignored. */
    private void validate(String question, QueryOutcome.Success success, List<String> warnings) {
        boolean empty = success.result().map(r -> r.rowCount() == 0).orElse(false);
        if (!server.enableResultValidation() && !empty) {
            return;
        }
        String sample = success.result().map(r -> r.rows().size() > 20
                ? "first 20 of " + r.rowCount() + " rows: "
                        + ResultJudgement.rowsJson(r.rows()).substring(0,
                                Math.min(4000, ResultJudgement.rowsJson(r.rows()).length()))
                : ResultJudgement.rowsJson(r.rows())).orElse("[]");
        try {
            Completion verdict = complete(new ChatRequest(List.of(
                    new ChatMessage("system", "You check whether a SQL result answers a question. Answer with JSON "
                            + "{\"answers\": true|false, \"reason\": \"...\"}."),
                    new ChatMessage("user", "Question: " + question + "\nSQL: " + success.sql() + "\nResult ("
                            + success.result().map(r -> r.columns().toString()).orElse("[]") + "): " + sample)),
                    true),
                    CancelSignal.NONE);
            ResultJudgement judgement = ResultJudgement.parse(verdict.content());
            if (!judgement.answers()) {
                warnings.add("The result may not answer the question: " + judgement.reason());
            } else if (empty) {
                warnings.add("The query returned no rows.");
            }
        } catch (LlmException | TokensRefused | RuntimeException e) {
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
                case Admission.Granted granted ->
                    stage.attribute("pg_mcp.rate_limit.waited_ms", granted.waited().toMillis());
                case Admission.Refused refused -> {
                    stage.fail(ErrorCode.RATE_LIMIT_EXCEEDED.name());
                    throw new TokensRefused(new QueryOutcome.Failure(ErrorCode.RATE_LIMIT_EXCEEDED, refused.message(),
                            new FailureDetails.RateLimited(refused)));
                }
                case Admission.Cancelled cancelled -> {
                    stage.fail("CANCELLED");
                    throw new TokensRefused(DatabaseFailures.cancelled());
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
        OptionalLong retryAfter = e.retryAfter().map(d -> OptionalLong.of(Math.max(1, d.toSeconds())))
                .orElse(OptionalLong.empty());
        return new QueryOutcome.Failure(ErrorCode.OPENAI_ERROR, e.getMessage(),
                new FailureDetails.ModelError(e.kind().name().toLowerCase(Locale.ROOT), retryAfter));
    }
}
