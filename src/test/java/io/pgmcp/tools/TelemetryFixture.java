package io.pgmcp.tools;

import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.BackoffStrategyType;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.LoggingConfig;
import io.pgmcp.config.MetricsConfig;
import io.pgmcp.config.ObservabilityConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.OpenAiConfig;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RetryConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.config.TracingConfig;
import io.pgmcp.config.TracingProtocol;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.llm.OpenAiClient;
import io.pgmcp.llm.PromptBuilder;
import io.pgmcp.llm.RetryingLlmClient;
import io.pgmcp.llm.StubLlmServer;
import io.pgmcp.mcp.Tool;
import io.pgmcp.observability.Metrics;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.QueryPipeline;
import io.pgmcp.query.QuestionPipeline;
import io.pgmcp.query.Target;
import io.pgmcp.query.Targets;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.resilience.RecordingSleeper;
import io.pgmcp.resilience.Retry;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.testing.PostgresDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** Tools wired as the server wires them (metered, with telemetry) over one test database named "main". */
final class TelemetryFixture {
    static final String API_KEY = "sk-telemetry-test-key-5e1d";
    static final String SETUP_SQL = """
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, ssn text);
            CREATE TABLE products (id int PRIMARY KEY, name text, price numeric(10,2));
            INSERT INTO customers SELECT g, 'c' || g, 'ssn' || g FROM generate_series(1, 50) g;
            INSERT INTO products SELECT g, 'row-value-' || g, g * 1.5 FROM generate_series(1, 20) g;
            ANALYZE;
            """;

    private TelemetryFixture() {}

    static Target target(PostgresDatabase db) {
        AccessPolicyConfig p = AccessPolicyConfig.defaults();
        AccessPolicyConfig policy = new AccessPolicyConfig(p.allowedSchemas(),
                new TableAccessConfig(List.of(), List.of()),
                new ColumnAccessConfig(List.of("customers.ssn"), List.of(), OnDenied.REJECT, SelectStarPolicy.REJECT),
                p.explainPolicy(), p.functions());
        return Targets.create(new DatabaseConfig("main", ConnectionTarget.parse(db.get().postgresUrl()), 0, 2, policy),
                server(),
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
    }

    static ServerConfig server() {
        ServerConfig d = ServerConfig.defaults();
        return new ServerConfig(d.maxResultRows(), d.maxResultBytes(), Duration.ofSeconds(5), false, true, 2,
                d.cacheRefreshInterval(), d.transport(), d.http(), d.shutdownTimeout());
    }

    /** Tracing at sample rate 1 to {@code endpoint}; trace ids are not attached to the process's log handler. */
    static Telemetry traced(String endpoint, boolean logSql) {
        LoggingConfig l = LoggingConfig.defaults();
        return Telemetry.start(new ObservabilityConfig(MetricsConfig.defaults(),
                new TracingConfig(true, endpoint, TracingProtocol.HTTP_PROTOBUF, 1.0, "pg-mcp-test"),
                new LoggingConfig(l.level(), l.format(), false, logSql, l.slowQueryThreshold())),
                "9.9.9", new Metrics("9.9.9", List.of()), Ticker.system());
    }

    static Tool executeSql(Target target, Telemetry telemetry) {
        return new RecordedTool(
                new ExecuteSqlTool(new QueryPipeline(new DatabaseRouter(List.of(target)), server(), telemetry)),
                recorder(telemetry));
    }

    /** The query tool on {@code stub}, retrying LLM failures with recorded (not real) waits. */
    static Tool query(Target target, Telemetry telemetry, StubLlmServer stub) {
        OpenAiConfig openAi = new OpenAiConfig(Optional.of(new Secret(API_KEY)), "stub-model",
                Optional.of(stub.baseUrl()),
                Duration.ofSeconds(5));
        FakeTicker ticker = new FakeTicker();
        Retry retry = Retry.of("openai",
                new RetryConfig(2, BackoffStrategyType.FIXED, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0),
                new Random(1), new RecordingSleeper(ticker), ticker, telemetry.retryListener("openai"));
        RetryingLlmClient llm = new RetryingLlmClient(new OpenAiClient(openAi, new FakeTicker(), Clock.systemUTC()),
                retry, Duration.ofMinutes(1), telemetry);
        QueryPipeline pipeline = new QueryPipeline(new DatabaseRouter(List.of(target)), server(), telemetry);
        return new RecordedTool(new QueryTool(new QuestionPipeline(pipeline, server(), telemetry, llm,
                new PromptBuilder(PromptBuilder.DEFAULT_SCHEMA_BUDGET),
                new RateLimiter(RateLimitConfig.defaults(), Ticker.system()))), recorder(telemetry));
    }

    /** Records calls as the server does, without an audit log. */
    static CallRecorder recorder(Telemetry telemetry) {
        return new CallRecorder(telemetry, AuditLog.disabled(), Set.of("main"), Ticker.system(), Clock.systemUTC());
    }
}
