package io.pgmcp.llm;

import static io.pgmcp.llm.OpenAiClientTest.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgmcp.config.BackoffStrategyType;
import io.pgmcp.config.OpenAiConfig;
import io.pgmcp.config.RetryConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.llm.LlmException.Kind;
import io.pgmcp.resilience.FibonacciBackoff;
import io.pgmcp.resilience.FixedBackoff;
import io.pgmcp.resilience.RecordingSleeper;
import io.pgmcp.resilience.Retry;
import io.pgmcp.testing.FakeTicker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryingLlmClientTest {
    private static final ChatRequest QUESTION = ChatRequest
            .json(List.of(ChatMessage.user("Answer in JSON: count users")));
    private static final Duration BUDGET = Duration.ofMinutes(2);

    private final StubLlmServer llm = StubLlmServer.start();
    private final FakeTicker ticker = new FakeTicker();
    private final RecordingSleeper sleeper = new RecordingSleeper(ticker);
    private final List<String> retries = new ArrayList<>();

    @AfterEach
    void stopStub() {
        llm.close();
    }

    private RetryingLlmClient retrying(Duration timeout, Duration budget) {
        OpenAiClient openai = new OpenAiClient(new OpenAiConfig(Optional.of(new Secret(KEY)), "gpt-4o-mini",
                Optional.of(llm.baseUrl()), timeout), new FakeTicker(), Clock.systemUTC());
        Retry retry = new Retry("openai", 3, new FixedBackoff(Duration.ofMillis(500)), sleeper, ticker,
                (attempt, delay, failure) -> retries.add(attempt + " " + delay.toMillis() + " ms"));
        return new RetryingLlmClient(openai, retry, budget);
    }

    private RetryingLlmClient retrying() {
        return retrying(Duration.ofSeconds(10), BUDGET);
    }

    @Test
    void aRejectedKeyIsTriedExactlyOnce() {
        llm.replyStatus(401, "Incorrect API key provided");
        try (RetryingLlmClient client = retrying()) {
            LlmException e = assertThrows(LlmException.class, () -> client.complete(QUESTION));
            assertEquals(Kind.UNAUTHORIZED, e.kind());
            assertEquals(1, client.attempts());
        }
        assertEquals(1, llm.requests().size());
        assertEquals(List.of(), sleeper.waits());
    }

    @Test
    void aRateLimitIsRetriedAfterTheServersRetryAfter() throws LlmException {
        llm.reply429(3).replyJson("{\"sql\": \"SELECT 1\"}");
        try (RetryingLlmClient client = retrying()) {
            assertEquals("{\"sql\": \"SELECT 1\"}", client.complete(QUESTION).content());
        }
        assertEquals(2, llm.requests().size());
        assertEquals(List.of(Duration.ofSeconds(3)), sleeper.waits(), "Retry-After, not the 500 ms backoff");
        assertEquals(List.of("1 3000 ms"), retries);
    }

    @Test
    void serverErrorsAreRetriedUpToMaxRetriesThenReported() {
        for (int i = 0; i < 5; i++) {
            llm.replyStatus(503, "overloaded");
        }
        try (RetryingLlmClient client = retrying()) {
            LlmException e = assertThrows(LlmException.class, () -> client.complete(QUESTION));
            assertEquals(Kind.SERVER_ERROR, e.kind());
            assertEquals("the LLM server failed (503): overloaded", e.getMessage());
        }
        assertEquals(4, llm.requests().size(), "the first try and three retries");
        assertEquals(1, llm.unusedReplies());
        assertEquals(3, sleeper.waits().size());
    }

    @Test
    void aTimeoutIsRetried() throws LlmException {
        llm.hang().replyJson("{}");
        // the request timeout has to cover a slow answer on a loaded machine: a shorter one made the retry
        // itself time out, and the third try found no scripted reply
        try (RetryingLlmClient client = retrying(Duration.ofSeconds(2), BUDGET)) {
            assertEquals("{}", client.complete(QUESTION).content());
        }
        assertEquals(2, llm.requests().size());
        assertEquals(List.of(Duration.ofMillis(500)), sleeper.waits());
    }

    @Test
    void aRetryAfterLongerThanTheBudgetFailsAtOnce() {
        llm.reply429(120).replyJson("{}");
        try (RetryingLlmClient client = retrying(Duration.ofSeconds(10), Duration.ofSeconds(60))) {
            LlmException e = assertThrows(LlmException.class, () -> client.complete(QUESTION));
            assertEquals(Kind.RATE_LIMITED, e.kind());
            assertEquals(Optional.of(Duration.ofSeconds(120)), e.retryAfter());
        }
        assertEquals(1, llm.requests().size());
        assertEquals(List.of(), sleeper.waits());
    }

    @Test
    void badResponsesAreNotRetried() {
        llm.replyGarbage("nonsense").replyJson("{}");
        try (RetryingLlmClient client = retrying()) {
            assertEquals(Kind.BAD_RESPONSE, assertThrows(LlmException.class, () -> client.complete(QUESTION)).kind());
        }
        assertEquals(1, llm.requests().size());
    }

    @Test
    void notConfiguredIsReportedOnceWithTheSettingsToFix() {
        AtomicInteger calls = new AtomicInteger();
        LlmClient counting = request -> {
            calls.incrementAndGet();
            return new NotConfiguredClient().complete(request);
        };
        Retry retry = new Retry("openai", 3, new FibonacciBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5)),
                sleeper,
                ticker, Retry.Listener.NONE);
        LlmException e = assertThrows(LlmException.class,
                () -> new RetryingLlmClient(counting, retry, BUDGET).complete(QUESTION));
        assertEquals(Kind.NOT_CONFIGURED, e.kind());
        assertEquals("LLM not configured: set openai.api_key or openai.base_url (or OPENAI_API_KEY)", e.getMessage());
        assertEquals(1, calls.get());
    }

    @Test
    void theDefaultBudgetCoversEveryAttemptAndEveryLongestWait() {
        OpenAiConfig openai = new OpenAiConfig(Optional.empty(), "m", Optional.empty(), Duration.ofSeconds(30));
        RetryConfig retry = new RetryConfig(3, BackoffStrategyType.EXPONENTIAL, Duration.ofSeconds(1),
                Duration.ofSeconds(10), 2.0);
        assertEquals(Duration.ofSeconds(30 * 4 + 10 * 3), RetryingLlmClient.budgetFor(openai, retry));
    }

    @Test
    void toStringNeverShowsTheKey() {
        try (RetryingLlmClient client = retrying()) {
            assertFalse(client.toString().contains(KEY), client.toString());
        }
    }
}
