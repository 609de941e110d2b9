package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.ConnectionTarget;
import io.pgmcp.config.DatabaseConfig;
import io.pgmcp.config.ExplainPolicyConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.catalog.CatalogLoader;
import io.pgmcp.query.DatabaseRouter;
import io.pgmcp.query.QueryPipeline;
import io.pgmcp.query.Targets;
import io.pgmcp.query.Target;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.PostgresDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole failure bodies of {@code execute_sql}, byte for byte: every kind of {@code details} the guard,
 * the EXPLAIN policy and PostgreSQL's errors produce keeps its keys, their order and their number types.
 */
class FailureBodiesTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, ssn text);
            CREATE TABLE secrets (id int, value text);
            CREATE TABLE products (id int PRIMARY KEY, name text, price numeric(10,2));
            CREATE INDEX products_name_idx ON products (name);
            INSERT INTO customers SELECT g, 'c' || g, 'ssn' || g FROM generate_series(1, 50) g;
            INSERT INTO products SELECT g, 'p' || g, g * 1.5 FROM generate_series(1, 20) g;
            ANALYZE;
            """);
    static final ObjectMapper JSON = new ObjectMapper();
    static Target main;
    static Target other;
    static Target strict;
    static ExecuteSqlTool one;
    static ExecuteSqlTool two;
    static ExecuteSqlTool rows;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig server = new ServerConfig(d.maxResultRows(), d.maxResultBytes(), Duration.ofMillis(500),
                d.enableResultValidation(), true, d.maxSqlRetry(), d.cacheRefreshInterval(), d.transport(), d.http(),
                d.shutdownTimeout());
        AccessPolicyConfig p = AccessPolicyConfig.defaults();
        AccessPolicyConfig policy = new AccessPolicyConfig(p.allowedSchemas(),
                new TableAccessConfig(List.of(), List.of("secrets")),
                new ColumnAccessConfig(List.of("customers.ssn"), List.of(), OnDenied.REJECT, SelectStarPolicy.REJECT),
                p.explainPolicy(), p.functions());
        ExplainPolicyConfig e = ExplainPolicyConfig.defaults();
        AccessPolicyConfig tight = new AccessPolicyConfig(p.allowedSchemas(), policy.tables(), policy.columns(),
                new ExplainPolicyConfig(true, 30, e.maxEstimatedCost(), true, 10, e.timeout(), e.cacheTtl(),
                        e.cacheMaxSize()),
                p.functions());
        ConnectionTarget connection = ConnectionTarget.parse(db.get().postgresUrl());
        main = Targets.create(new DatabaseConfig("main", connection, 0, 2, policy), server,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
        other = Targets.create(new DatabaseConfig("other", connection, 0, 1, policy), server,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
        strict = Targets.create(new DatabaseConfig("strict", connection, 0, 1, tight), server,
                new CatalogLoader(Clock.systemUTC()), Ticker.system());
        one = new ExecuteSqlTool(new QueryPipeline(new DatabaseRouter(List.of(main)), server));
        two = new ExecuteSqlTool(new QueryPipeline(new DatabaseRouter(List.of(main, other)), server));
        rows = new ExecuteSqlTool(new QueryPipeline(new DatabaseRouter(List.of(strict)), server));
    }

    @AfterAll
    static void stop() {
        main.database().close();
        other.database().close();
        strict.database().close();
    }

    /** Pairs of lines: {@code tool | arguments}, then the whole body expected. */
    static Stream<Arguments> bodies() throws Exception {
        List<String> lines;
        try (var in = FailureBodiesTest.class.getResourceAsStream("failure-bodies.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<Arguments> cases = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            String[] call = lines.get(i).split(" \\| ", 2);
            cases.add(Arguments.of(call[0].strip(), call[1], lines.get(i + 1)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("bodies")
    void failureBodiesKeepTheirBytes(String tool, String arguments, String expected) throws Exception {
        ExecuteSqlTool called = switch (tool) {
            case "one" -> one;
            case "two" -> two;
            default -> rows;
        };
        assertEquals(expected,
                JSON.writeValueAsString(called.call((ObjectNode) JSON.readTree(arguments), new TestContext())
                        .structuredContent()));
    }
}
