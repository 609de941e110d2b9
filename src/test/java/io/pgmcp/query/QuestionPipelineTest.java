package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.BackoffStrategyType;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.OpenAiConfig;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RateLimitStrategy;
import io.pgmcp.config.RetryConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.llm.LlmClient;
import io.pgmcp.llm.NotConfiguredClient;
import io.pgmcp.llm.OpenAiClient;
import io.pgmcp.llm.PromptBuilder;
import io.pgmcp.llm.RetryingLlmClient;
import io.pgmcp.llm.StubLlmServer;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.resilience.Admission;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.resilience.RecordingSleeper;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The query tool's pipeline against the real test database, with a scripted OpenAI-compatible stub. */
class QuestionPipelineTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(
            """
                    CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country text, ssn text, password_hash text);
                    COMMENT ON TABLE customers IS 'People who buy things';
                    CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2));
                    CREATE TABLE secrets (id int, token text);
                    INSERT INTO customers SELECT g, 'c' || g, CASE WHEN g % 2 = 0 THEN 'DE' ELSE 'FR' END, 'ssn' || g, md5(g::text)
                      FROM generate_series(1, 20) g;
                    INSERT INTO orders SELECT g, 1 + g % 20, g * 2.5 FROM generate_series(1, 100) g;
                    INSERT INTO secrets VALUES (1, 'top-secret-token');
                    ANALYZE;
                    """);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String GOOD = "{\"sql\": \"SELECT country, count(*) AS n FROM customers GROUP BY country ORDER BY country\","
            + " \"explanation\": \"Counts customers per country.\"}";
    static Target target;
    static QueryPipeline pipeline;
    static ServerConfig server;

    @BeforeAll
    static void start() {
        ServerConfig d = ServerConfig.defaults();
        server = new ServerConfig(d.maxResultRows(), d.maxResultBytes(), Duration.ofSeconds(2), false, true, 2,
                d.cacheRefreshInterval(), d.transport(), d.http(), d.shutdownTimeout());
        AccessPolicyConfig p = AccessPolicyConfig.defaults();
        AccessPolicyConfig policy = new AccessPolicyConfig(p.allowedSchemas(),
                new TableAccessConfig(List.of(), List.of("secrets")),
                new ColumnAccessConfig(List.of("customers.ssn", "customers.password_hash"), List.of(), OnDenied.REJECT,
                        SelectStarPolicy.REJECT),
                p.explainPolicy(), p.functions());
        target = Targets.create(
                new DatabaseConfig("shop", ConnectionTarget.parse(db.get().postgresUrl()), 0, 2, policy), server,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
        pipeline = new QueryPipeline(new DatabaseRouter(List.of(target)), server);
    }

    @AfterAll
    static void stop() {
        target.database().close();
    }

    static OpenAiConfig openAi(StubLlmServer stub, Duration timeout) {
        return new OpenAiConfig(Optional.of(new Secret("sk-test-secret-key")), "stub-model",
                Optional.of(stub.baseUrl()), timeout);
    }

    static QuestionPipeline questions(LlmClient llm) {
        return questions(llm, new RateLimiter(RateLimitConfig.defaults(), Ticker.system()));
    }

    static QuestionPipeline questions(LlmClient llm, RateLimiter limiter) {
        return new QuestionPipeline(pipeline, server, Telemetry.discarding(), llm,
                new PromptBuilder(PromptBuilder.DEFAULT_SCHEMA_BUDGET),
                limiter);
    }

    static QueryOutcome ask(LlmClient llm, String question, QuestionPipeline.ReturnType type) {
        return questions(llm).ask(question, Optional.empty(), type, null, CancelSignal.NONE,
                QueryPipeline.Progress.NONE);
    }

    @Test
    void aQuestionIsAnsweredEndToEnd() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.replyJson(GOOD);
            var success = assertInstanceOf(QueryOutcome.Success.class, ask(llm, "How many customers per country?",
                    QuestionPipeline.ReturnType.BOTH));
            assertEquals(List.of(List.of("DE", 10L), List.of("FR", 10L)), success.result().orElseThrow().rows());
            assertEquals(Optional.of("Counts customers per country."), success.explanation());
            var request = stub.request(0);
            assertEquals("stub-model", request.body().get("model").asText());
            assertEquals(0, request.body().get("temperature").asInt());
            assertEquals("Bearer sk-test-secret-key", request.authorization().orElseThrow());
            String prompt = request.rawBody();
            assertTrue(prompt.contains("public.customers") && prompt.contains("How many customers per country?"),
                    prompt);
            assertNoDeniedNames(stub);
        }
    }

    @Test
    void errorsAreFedBackAndFixedOnRetry() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.replyJson("{\"sql\": \"SELECT sum(total) / (count(*) - count(*)) FROM orders\"}")
                    .replyJson("{\"sql\": \"SELECT name, ssn FROM customers\"}")
                    .replyJson(GOOD);
            assertInstanceOf(QueryOutcome.Success.class,
                    ask(llm, "customers per country", QuestionPipeline.ReturnType.RESULT));
            assertEquals(3, stub.requests().size());
            assertTrue(stub.request(1).rawBody().contains(
                    "Previous attempt failed with: DATA_ERROR: PostgreSQL could not compute the result (SQLSTATE 22012): division by zero"),
                    stub.request(1).rawBody());
            assertTrue(stub.request(2).rawBody().contains("COLUMN_ACCESS_DENIED"), stub.request(2).rawBody());
        }
    }

    @Test
    void aResultTooLargeIsFedBackSoThatTheModelCanAskForLess() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.replyJson("{\"sql\": \"SELECT repeat(c.country, 10000000) AS big FROM customers c\"}").replyJson(GOOD);
            assertInstanceOf(QueryOutcome.Success.class,
                    ask(llm, "customers per country", QuestionPipeline.ReturnType.RESULT));
            assertEquals(2, stub.requests().size());
            assertTrue(stub.request(1).rawBody().contains("Previous attempt failed with: RESULT_TOO_LARGE: The result "
                    + "is too large"), stub.request(1).rawBody());
        }
    }

    @Test
    void syntaxErrorsAreFedBackInPostgresqlsWordsNotTheParserLibrarys() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.replyJson("{\"sql\": \"SELEC country FROM customers\"}").replyJson(GOOD);
            assertInstanceOf(QueryOutcome.Success.class,
                    ask(llm, "customers per country", QuestionPipeline.ReturnType.RESULT));
            String feedback = stub.request(1).rawBody();
            assertTrue(
                    feedback.contains(
                            "Previous attempt failed with: SYNTAX_ERROR: PostgreSQL rejected the SQL (SQLSTATE 42601): "
                                    + "syntax error at or near \\\"SELEC\\\" at character 1 (line 1, column 1)"),
                    feedback);
            assertFalse(feedback.contains("Encountered") || feedback.contains("lexical state"), feedback);
        }
    }

    @Test
    void maliciousSqlIsRefusedEveryTimeAndNothingChanges() throws Exception {
        List<String> attacks = List.of("SELECT 1; DROP TABLE orders", "SELECT pg_read_file('/etc/passwd')",
                "WITH d AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM d",
                "SELECT row_to_json(c) FROM customers c",
                "SELECT token FROM secrets");
        for (String attack : attacks) {
            try (StubLlmServer stub = StubLlmServer.start();
                    OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                            Clock.systemUTC())) {
                String reply = JSON.createObjectNode().put("sql", attack).toString();
                stub.replyJson(reply).replyJson(reply).replyJson(reply);
                String before = orders();
                var failure = assertInstanceOf(QueryOutcome.Failure.class,
                        ask(llm, "anything", QuestionPipeline.ReturnType.RESULT));
                assertTrue(failure.code() != ErrorCode.INTERNAL_ERROR && failure.code() != ErrorCode.OPENAI_ERROR,
                        failure.toString());
                assertEquals(3, stub.requests().size(), "1 + max_sql_retry attempts for " + attack);
                assertEquals(before, orders(), attack + " changed the data");
                assertNoDeniedNames(stub);
            }
        }
    }

    @Test
    void fencedAndProseRepliesAreHandled() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.replyJson("I am sorry, I cannot do that.").replyJson("```json\n" + GOOD + "\n```");
            assertInstanceOf(QueryOutcome.Success.class,
                    ask(llm, "customers per country", QuestionPipeline.ReturnType.RESULT));
            assertTrue(stub.request(1).rawBody().contains("That was not a SQL query"));
        }
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.replyGarbage("<html>oops</html>");
            var failure = assertInstanceOf(QueryOutcome.Failure.class,
                    ask(llm, "q", QuestionPipeline.ReturnType.RESULT));
            assertEquals(ErrorCode.OPENAI_ERROR, failure.code());
        }
    }

    @Test
    void transientLlmFailuresAreRetriedAndAuthFailuresAreNot() throws Exception {
        FakeTicker ticker = new FakeTicker();
        RecordingSleeper sleeper = new RecordingSleeper(ticker);
        RetryConfig retry = new RetryConfig(3, BackoffStrategyType.FIXED, Duration.ofMillis(100), Duration.ofSeconds(5),
                2.0);
        try (StubLlmServer stub = StubLlmServer.start()) {
            OpenAiConfig config = openAi(stub, Duration.ofSeconds(5));
            LlmClient llm = new RetryingLlmClient(new OpenAiClient(config, new FakeTicker(), Clock.systemUTC()),
                    Retry.of("openai", retry, new Random(1), sleeper, ticker, Retry.Listener.NONE),
                    Duration.ofMinutes(1));
            stub.reply429(2).replyJson(GOOD);
            assertInstanceOf(QueryOutcome.Success.class,
                    ask(llm, "customers per country", QuestionPipeline.ReturnType.RESULT));
            assertEquals(List.of(Duration.ofSeconds(2)), sleeper.waits(), "Retry-After honoured");
            stub.replyStatus(401, "Incorrect API key provided: sk-test-secret-key");
            var failure = assertInstanceOf(QueryOutcome.Failure.class,
                    ask(llm, "q", QuestionPipeline.ReturnType.RESULT));
            assertEquals(ErrorCode.OPENAI_ERROR, failure.code());
            assertEquals(3, stub.requests().size(), "a 401 is not retried");
            assertFalse(failure.message().contains("sk-test-secret-key"), failure.message());
        }
    }

    @Test
    void aHangingLlmIsCutOffAtItsTimeout() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofMillis(300)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.hang();
            long start = System.nanoTime();
            var failure = assertInstanceOf(QueryOutcome.Failure.class,
                    ask(llm, "q", QuestionPipeline.ReturnType.RESULT));
            assertEquals(ErrorCode.OPENAI_ERROR, failure.code());
            assertEquals("timeout", assertInstanceOf(FailureDetails.ModelError.class, failure.details()).reason());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
        }
    }

    @Test
    void returnTypeSqlChecksButDoesNotExecute() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            // division by zero fails only when executed: with return_type sql it is checked and returned
            stub.replyJson(
                    "{\"sql\": \"SELECT sum(total) / (count(*) - count(*)) FROM orders\", \"explanation\": \"x\"}");
            var success = assertInstanceOf(QueryOutcome.Success.class, ask(llm, "q", QuestionPipeline.ReturnType.SQL));
            assertTrue(success.result().isEmpty());
            assertEquals("SELECT sum(total) / (count(*) - count(*)) FROM orders", success.sql());
        }
    }

    @Test
    void anEmptyResultIsValidatedAndDoubtBecomesAWarning() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.replyJson("{\"sql\": \"SELECT name FROM customers WHERE country = 'XX'\"}")
                    .replyJson("{\"answers\": false, \"reason\": \"no customer has country XX\"}");
            var success = assertInstanceOf(QueryOutcome.Success.class,
                    ask(llm, "customers in XX", QuestionPipeline.ReturnType.RESULT));
            assertEquals(List.of("The result may not answer the question: no customer has country XX"),
                    success.warnings());
        }
    }

    @Test
    void theTokenBudgetIsCheckedBeforeTheLlmIsCalled() throws Exception {
        RateLimitConfig d = RateLimitConfig.defaults();
        RateLimitConfig tight = new RateLimitConfig(true, d.requestsPerMinute(), d.requestsPerHour(),
                d.perClientPerMinute(),
                d.clientIdentifier(), 50, d.tokensPerHour(), RateLimitStrategy.REJECT, d.maxQueueWait(),
                d.includeHeaders(), false);
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub, Duration.ofSeconds(5)), new FakeTicker(),
                        Clock.systemUTC())) {
            stub.replyJson(GOOD).replyJson(GOOD);
            QuestionPipeline limited = questions(llm, new RateLimiter(tight, new FakeTicker()));
            // a prompt bigger than the whole budget still runs alone in an empty window (else it never could)...
            assertInstanceOf(QueryOutcome.Success.class, limited.ask("customers per country", Optional.empty(),
                    QuestionPipeline.ReturnType.SQL, null, CancelSignal.NONE, QueryPipeline.Progress.NONE));
            // ...and its reported usage (49 tokens) leaves too little for the next one in the same minute
            var failure = assertInstanceOf(QueryOutcome.Failure.class,
                    limited.ask("customers per country", Optional.empty(),
                            QuestionPipeline.ReturnType.SQL, null, CancelSignal.NONE, QueryPipeline.Progress.NONE));
            assertEquals(ErrorCode.RATE_LIMIT_EXCEEDED, failure.code());
            Admission.Refused refused = assertInstanceOf(FailureDetails.RateLimited.class, failure.details()).refusal();
            assertEquals("tokens_per_minute", refused.type().wireName());
            assertTrue(refused.retryAfterSeconds() > 0);
            assertEquals(1, stub.requests().size(), "refused before the model was called again");
        }
    }

    @Test
    void withoutAnLlmTheToolSaysSo() {
        var failure = assertInstanceOf(QueryOutcome.Failure.class,
                ask(new NotConfiguredClient(), "q", QuestionPipeline.ReturnType.RESULT));
        assertEquals(ErrorCode.OPENAI_ERROR, failure.code());
        assertTrue(failure.message().startsWith("LLM not configured"), failure.message());
    }

    /**
     * No denied name reaches the model from pg-mcp: the schema never holds one, and feedback names a
     * denied item only when the model itself wrote it (an error must say what to fix).
     */
    private static void assertNoDeniedNames(StubLlmServer stub) {
        for (var request : stub.requests()) {
            StringBuilder written = new StringBuilder();
            for (var message : request.body().get("messages")) {
                String content = message.get("content").asText();
                if (message.get("role").asText().equals("assistant")) {
                    written.append(content);
                    continue;
                }
                for (String denied : List.of("ssn", "password_hash", "secrets", "top-secret")) {
                    if (content.contains(denied) && !written.toString().contains(denied)) {
                        throw new AssertionError("pg-mcp told the LLM the denied name " + denied + ": " + content);
                    }
                }
            }
        }
    }

    private static String orders() throws Exception {
        try (Connection connection = db.get().connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement
                        .executeQuery("SELECT count(*) || ':' || sum(hashtext(o::text)) FROM orders o")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
