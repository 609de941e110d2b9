package io.pgmcp.llm;

import io.pgmcp.config.OpenAiConfig;
import io.pgmcp.config.RetryConfig;
import io.pgmcp.observability.Stage;
import io.pgmcp.observability.StageName;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.resilience.Retry;
import java.time.Duration;
import java.util.Objects;

/**
 * Retries another client's rate limits, server errors, timeouts and connection failures,
 * never bad requests, rejected keys or unusable answers. A rate limit's {@code Retry-After} replaces
 * the backoff delay. Each call has its own budget: no retry starts a wait that would end after it.
 * Thread-safe when the wrapped client is.
 */
public final class RetryingLlmClient implements LlmClient {
    private final LlmClient delegate;
    private final Retry retry;
    private final Duration budget;
    private final Telemetry telemetry;

    /**
     * @param retry  usually {@code Retry.of("openai", config.retry().openai(), …)}
     * @param budget how long one call may spend waiting between attempts, counted from its start
     */
    public RetryingLlmClient(LlmClient delegate, Retry retry, Duration budget) {
        this(delegate, retry, budget, Telemetry.discarding());
    }

    /** As above; every attempt is an {@link StageName#LLM_REQUEST} stage ({@code pg_mcp_openai_*}, one span). */
    public RetryingLlmClient(LlmClient delegate, Retry retry, Duration budget, Telemetry telemetry) {
        this.telemetry = Objects.requireNonNull(telemetry, "telemetry");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.budget = Objects.requireNonNull(budget, "budget");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("budget must not be negative, got " + budget);
        }
    }

    /**
     * A budget that lets every attempt use its whole timeout and every wait its longest delay:
     * {@code timeout × (max_retries + 1) + max_delay × max_retries}. Callers with a tighter deadline
     * (a tool call's own timeout) should pass that instead.
     */
    public static Duration budgetFor(OpenAiConfig openai, RetryConfig retry) {
        return openai.timeout().multipliedBy(retry.maxRetries() + 1L)
                .plus(retry.maxDelay().multipliedBy(retry.maxRetries()));
    }

    @Override
    public Completion complete(ChatRequest request) throws LlmException {
        int[] attempt = {0};
        return retry.run(() -> attempt(request, ++attempt[0]), LlmException::retryable, budget);
    }

    private Completion attempt(ChatRequest request, int attempt) throws LlmException {
        try (Stage stage = telemetry.stage(StageName.LLM_REQUEST, "").attribute("gen_ai.operation.name", "chat")
                .attribute("pg_mcp.attempt", attempt)) {
            try {
                Completion completion = delegate.complete(request);
                stage.attribute("gen_ai.response.model", completion.model())
                        .tokens(completion.promptTokens(), completion.completionTokens());
                return completion;
            } catch (LlmException e) {
                stage.fail(e.kind().name());
                throw e;
            }
        }
    }

    /** Attempts made through this client's {@link Retry}, first tries included. */
    public long attempts() {
        return retry.attempts();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "RetryingLlmClient[" + delegate + ", " + retry + ", budget=" + budget.toMillis() + " ms]";
    }
}
