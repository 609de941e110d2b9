package io.pgmcp.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.BackoffStrategyType;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.OpenAiConfig;
import io.pgmcp.config.RetryConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.db.Availability;
import io.pgmcp.db.CancelSignal;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.db.Database;
import io.pgmcp.db.PoolStats;
import io.pgmcp.llm.LlmClient;
import io.pgmcp.llm.OpenAiClient;
import io.pgmcp.llm.PromptBuilder;
import io.pgmcp.llm.RetryingLlmClient;
import io.pgmcp.llm.StubLlmServer;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.resilience.RecordingSleeper;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.BoundedCall;
import io.pgmcp.testing.FaultProxy;
import io.pgmcp.testing.PostgresDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A database that goes away, as the tools see it: CONNECTION_ERROR at once with since-when, the last
 * error and the next probe; other databases unaffected; no LLM call for a question it cannot answer;
 * and the same objects answer again once the probe has found it back. An LLM failing with 500 is an
 * OPENAI_ERROR, quickly, and the next question works.
 */
@Timeout(60)
class DatabaseOutageTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(
            """
                    CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country text);
                    INSERT INTO customers SELECT g, 'c' || g, CASE WHEN g % 2 = 0 THEN 'DE' ELSE 'FR' END FROM generate_series(1, 20) g;
                    ANALYZE;
                    """);
    private static final Instant SINCE = Instant.parse("2026-07-08T09:10:11Z");
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String GOOD = "{\"sql\": \"SELECT country, count(*) AS n FROM customers GROUP BY country ORDER BY country\","
            + " \"explanation\": \"Counts customers per country.\"}";

    private final FakeTicker ticker = new FakeTicker();
    private final RecordingSleeper sleeper = new RecordingSleeper(ticker);
    private final List<Target> targets = new ArrayList<>();
    private FaultProxy proxy;
    private ServerConfig server;

    @BeforeEach
    void start() {
        proxy = FaultProxy.to(db.get());
        ServerConfig d = ServerConfig.defaults();
        server = new ServerConfig(d.maxResultRows(), d.maxResultBytes(), Duration.ofSeconds(2), false, true, 2,
                d.cacheRefreshInterval(), d.transport(), d.http(), d.shutdownTimeout());
    }

    @AfterEach
    void stop() {
        targets.forEach(t -> t.database().close());
        proxy.close();
        assertEquals(0, proxy.threads(), proxy.toString());
    }

    /** A target as the composition root builds it, with retries and probes on the fake ticker. */
    private Target target(String name, String url) {
        DatabaseConfig config = new DatabaseConfig(name, ConnectionTarget.parse(url), 0, 2,
                io.pgmcp.config.AccessPolicyConfig.defaults());
        RetryConfig retry = RetryConfig.databaseDefaults();
        Target target = Targets.create(config, server, new CatalogLoader(Clock.systemUTC()), Ticker.system(),
                new Database.Resilience(
                        Retry.of("database '" + name + "'", retry, new Random(1), sleeper, ticker, Retry.Listener.NONE),
                        new Availability(name, Availability.probeBackoff(retry, new Random(1)), ticker,
                                InstantSource.fixed(SINCE)),
                        Database.DEFAULT_NETWORK_MARGIN));
        targets.add(target);
        return target;
    }

    private static BoundedCall.Outcome<QueryOutcome> executeSql(QueryPipeline pipeline, String database, String sql)
            throws InterruptedException {
        return BoundedCall.run("outage-call", BOUND,
                () -> pipeline.executeSql(sql, Optional.of(database), null, CancelSignal.NONE,
                        QueryPipeline.Progress.NONE));
    }

    @Test
    void downDatabaseAnswersConnectionErrorWithSinceLastErrorAndNextProbe() throws Exception {
        Target main = target("main", proxy.postgresUrl(db.get()));
        QueryPipeline pipeline = new QueryPipeline(new DatabaseRouter(List.of(main)), server);
        assertInstanceOf(QueryOutcome.Success.class,
                executeSql(pipeline, "main", "SELECT id FROM customers WHERE id = 1").value());

        proxy.refuse(true);
        proxy.cutAll();
        QueryOutcome.Failure failure = assertInstanceOf(QueryOutcome.Failure.class,
                executeSql(pipeline, "main", "SELECT id FROM customers WHERE id = 2").value());
        assertEquals(ErrorCode.CONNECTION_ERROR, failure.code(), failure.message());
        assertTrue(failure.message().startsWith("Database 'main' (" + main.config().displayTarget()
                + ") is unavailable since 2026-07-08T09:10:11Z"), failure.message());
        FailureDetails.DatabaseDown down = assertInstanceOf(FailureDetails.DatabaseDown.class, failure.details());
        assertEquals("main", down.database());
        assertEquals("2026-07-08T09:10:11Z", down.since().toString());
        assertEquals("08001", down.sqlState());
        assertFalse(down.lastError().isEmpty());
        assertTrue(down.nextProbeInSeconds() > 0, down.toString());
        assertFalse(failure.toString().contains(db.get().password()), "no password in " + failure);

        long accepted = proxy.acceptedConnections();
        QueryOutcome.Failure meanwhile = assertInstanceOf(QueryOutcome.Failure.class,
                executeSql(pipeline, "main", "SELECT id FROM customers WHERE id = 3").value());
        assertEquals(ErrorCode.CONNECTION_ERROR, meanwhile.code());
        assertEquals(accepted, proxy.acceptedConnections(), "answered without trying to connect");

        proxy.refuse(false);
        ticker.advance(Availability.MAX_PROBE_INTERVAL);
        assertTrue(main.database().probeIfDue(Duration.ofSeconds(5)));
        assertInstanceOf(QueryOutcome.Success.class,
                executeSql(pipeline, "main", "SELECT id FROM customers WHERE id = 4").value());
        assertTrue(main.database().awaitIdle(Duration.ofSeconds(10)));
        assertEquals(new PoolStats(1, 1, 0, 0), main.database().poolStats());
    }

    @Test
    void aDownDatabaseDoesNotAffectAnother() throws Exception {
        Target down = target("flaky", proxy.postgresUrl(db.get()));
        Target up = target("steady", db.get().postgresUrl());
        QueryPipeline pipeline = new QueryPipeline(new DatabaseRouter(List.of(down, up)), server);
        proxy.refuse(true);

        assertEquals(ErrorCode.CONNECTION_ERROR,
                ((QueryOutcome.Failure) executeSql(pipeline, "flaky", "SELECT 1").value()).code());
        assertInstanceOf(Availability.Down.class, down.database().health());
        for (int i = 0; i < 3; i++) {
            QueryOutcome outcome = executeSql(pipeline, "steady", "SELECT count(*) FROM customers").value();
            assertEquals(20,
                    ((Number) ((QueryOutcome.Success) outcome).result().orElseThrow().rows().get(0).get(0)).intValue());
        }
        assertTrue(up.database().availability().isUp());
        assertEquals(0, up.database().availability().outages());
    }

    private static OpenAiConfig openAi(StubLlmServer stub) {
        return new OpenAiConfig(Optional.of(new Secret("sk-test-secret-key")), "stub-model",
                Optional.of(stub.baseUrl()),
                Duration.ofSeconds(5));
    }

    @Test
    void questionsForADownDatabaseDoNotReachTheLlm() throws Exception {
        Target main = target("main", proxy.postgresUrl(db.get()));
        QueryPipeline pipeline = new QueryPipeline(new DatabaseRouter(List.of(main)), server);
        try (StubLlmServer stub = StubLlmServer.start();
                OpenAiClient llm = new OpenAiClient(openAi(stub), new FakeTicker(), Clock.systemUTC())) {
            QuestionPipeline questions = new QuestionPipeline(pipeline, server, Telemetry.discarding(), llm,
                    new PromptBuilder(PromptBuilder.DEFAULT_SCHEMA_BUDGET),
                    new io.pgmcp.resilience.RateLimiter(io.pgmcp.config.RateLimitConfig.defaults(),
                            io.pgmcp.resilience.Ticker.system()));
            stub.replyJson(GOOD);
            assertInstanceOf(QueryOutcome.Success.class, questions.ask("customers per country", Optional.empty(),
                    QuestionPipeline.ReturnType.RESULT, null, CancelSignal.NONE, QueryPipeline.Progress.NONE));
            proxy.refuse(true);
            proxy.cutAll();
            assertEquals(ErrorCode.CONNECTION_ERROR,
                    ((QueryOutcome.Failure) executeSql(pipeline, "main", "SELECT 1").value()).code());

            QueryOutcome outcome = BoundedCall.run("outage-question", BOUND,
                    () -> questions.ask("customers per country",
                            Optional.empty(), QuestionPipeline.ReturnType.RESULT, null, CancelSignal.NONE,
                            QueryPipeline.Progress.NONE))
                    .value();
            QueryOutcome.Failure failure = assertInstanceOf(QueryOutcome.Failure.class, outcome);
            assertEquals(ErrorCode.CONNECTION_ERROR, failure.code());
            assertEquals("2026-07-08T09:10:11Z",
                    assertInstanceOf(FailureDetails.DatabaseDown.class, failure.details()).since().toString());
            assertEquals(1, stub.requests().size(), "no tokens spent on SQL that cannot run");
        }
    }

    @Test
    void llmServerErrorsAreAnOpenAiErrorQuicklyAndTheNextQuestionWorks() throws Exception {
        Target main = target("main", db.get().postgresUrl());
        QueryPipeline pipeline = new QueryPipeline(new DatabaseRouter(List.of(main)), server);
        RetryConfig retry = new RetryConfig(2, BackoffStrategyType.EXPONENTIAL, Duration.ofSeconds(1),
                Duration.ofSeconds(30), 2.0);
        try (StubLlmServer stub = StubLlmServer.start()) {
            LlmClient llm = new RetryingLlmClient(new OpenAiClient(openAi(stub), new FakeTicker(), Clock.systemUTC()),
                    Retry.of("openai", retry, new Random(1), sleeper, ticker, Retry.Listener.NONE),
                    Duration.ofMinutes(1));
            QuestionPipeline questions = new QuestionPipeline(pipeline, server, Telemetry.discarding(), llm,
                    new PromptBuilder(PromptBuilder.DEFAULT_SCHEMA_BUDGET),
                    new io.pgmcp.resilience.RateLimiter(io.pgmcp.config.RateLimitConfig.defaults(),
                            io.pgmcp.resilience.Ticker.system()));
            stub.replyStatus(500, "upstream exploded").replyStatus(500, "upstream exploded").replyStatus(500,
                    "upstream exploded");

            BoundedCall.Outcome<QueryOutcome> failed = BoundedCall.run("llm-500", BOUND,
                    () -> questions.ask("customers per country",
                            Optional.empty(), QuestionPipeline.ReturnType.RESULT, null, CancelSignal.NONE,
                            QueryPipeline.Progress.NONE));
            QueryOutcome.Failure failure = assertInstanceOf(QueryOutcome.Failure.class, failed.value());
            assertEquals(ErrorCode.OPENAI_ERROR, failure.code(), failure.message());
            assertEquals(3, stub.requests().size(), "the first try and two retries");
            assertEquals(2, sleeper.waits().size(),
                    "backoff waits on the fake ticker, not in real time: " + sleeper.waits());
            assertTrue(failed.took().toMillis() < 5_000, "quickly: " + failed.took());

            stub.replyJson(GOOD);
            QueryOutcome next = BoundedCall
                    .run("llm-ok", BOUND, () -> questions.ask("customers per country", Optional.empty(),
                            QuestionPipeline.ReturnType.RESULT, null, CancelSignal.NONE, QueryPipeline.Progress.NONE))
                    .value();
            assertEquals(2, ((QueryOutcome.Success) next).result().orElseThrow().rowCount());
            llm.close();
        }
    }
}
