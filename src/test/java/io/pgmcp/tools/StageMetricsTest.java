package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.llm.StubLlmServer;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.observability.Metrics;
import io.pgmcp.observability.Scrape;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.query.Target;
import io.pgmcp.testing.PostgresDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stage metrics (guard, execution, SQL generation, LLM requests, retries) move as real calls happen. */
class StageMetricsTest {
    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(TelemetryFixture.SETUP_SQL);
    static final ObjectMapper JSON = new ObjectMapper();
    static Target target;

    @BeforeAll
    static void start() {
        target = TelemetryFixture.target(db);
    }

    @AfterAll
    static void stop() {
        target.database().close();
    }

    private static ToolResult call(Tool tool, String arguments) throws Exception {
        return tool.call((ObjectNode) JSON.readTree(arguments), new TestContext());
    }

    @Test
    void executeSqlFeedsTheGuardAndQueryHistograms() throws Exception {
        Metrics metrics = new Metrics("test", List.of());
        Tool tool = TelemetryFixture.executeSql(target, Telemetry.metricsOnly(metrics));
        assertFalse(call(tool, "{\"sql\":\"SELECT id FROM products WHERE id = 1\"}").isError());
        assertFalse(call(tool, "{\"sql\":\"SELECT id FROM products WHERE id = 2\"}").isError());
        assertTrue(call(tool, "{\"sql\":\"SELECT ssn FROM customers\"}").isError());

        Scrape scrape = Scrape.of(metrics);
        assertEquals(3.0, scrape.value("pg_mcp_guard_duration_seconds_count", "database", "main"),
                "every statement is guarded");
        assertEquals(2.0, scrape.value("pg_mcp_db_query_duration_seconds_count", "database", "main"),
                "only allowed ones run");
        assertEquals(
                List.of("5.0E-5", "1.0E-4", "2.5E-4", "5.0E-4", "0.001", "0.0025", "0.005", "0.01", "0.05", "+Inf"),
                scrape.labelValues("pg_mcp_guard_duration_seconds_bucket", "le"), "sub-millisecond buckets");
        assertEquals(List.of("0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1.0", "5.0", "+Inf"),
                scrape.labelValues("pg_mcp_db_query_duration_seconds_bucket", "le"), "the design's buckets");
        assertEquals(2.0,
                scrape.value("pg_mcp_requests_total", "database", "main", "status", "success", "error_code", ""));
    }

    @Test
    void queryFeedsGenerationOpenAiRetryAndFeedbackMetrics() throws Exception {
        Metrics metrics = new Metrics("test", List.of());
        try (StubLlmServer stub = StubLlmServer.start()) {
            Tool tool = TelemetryFixture.query(target, Telemetry.metricsOnly(metrics), stub);
            // a 500 (retried by the client), then SQL the guard refuses (fed back), then good SQL
            stub.replyStatus(500, "overloaded")
                    .replyJson("{\"sql\": \"SELECT name, ssn FROM customers\"}")
                    .replyJson("{\"sql\": \"SELECT count(*) AS n FROM products\", \"explanation\": \"x\"}");
            ToolResult result = call(tool, "{\"question\":\"how many products?\"}");
            assertFalse(result.isError(), result.structuredContent().toString());
        }

        Scrape scrape = Scrape.of(metrics);
        assertEquals(2.0, scrape.value("pg_mcp_sql_generation_total", "database", "main", "status", "success"));
        assertEquals(2.0, scrape.value("pg_mcp_sql_generation_duration_seconds_count", "database", "main"));
        assertEquals(1.0,
                scrape.value("pg_mcp_sql_retries_total", "database", "main", "reason", "COLUMN_ACCESS_DENIED"));
        assertEquals(1.0, scrape.value("pg_mcp_openai_requests_total", "status", "error"));
        assertEquals(2.0, scrape.value("pg_mcp_openai_requests_total", "status", "success"));
        assertEquals(3.0, scrape.value("pg_mcp_openai_request_duration_seconds_count"));
        assertEquals(2.0 * StubLlmServer.PROMPT_TOKENS,
                scrape.value("pg_mcp_openai_tokens_used_total", "type", "prompt"));
        assertEquals(2.0 * StubLlmServer.COMPLETION_TOKENS,
                scrape.value("pg_mcp_openai_tokens_used_total", "type", "completion"));
        assertEquals(1.0, scrape.value("pg_mcp_retry_attempts_total", "operation", "openai", "outcome", "retry"));
        assertEquals(2.0, scrape.value("pg_mcp_retry_attempts_total", "operation", "openai", "outcome", "success"));
        assertEquals(1.0, scrape.value("pg_mcp_db_query_duration_seconds_count", "database", "main"));
    }

    @Test
    void aFailedGenerationIsCountedAsAnError() throws Exception {
        Metrics metrics = new Metrics("test", List.of());
        try (StubLlmServer stub = StubLlmServer.start()) {
            Tool tool = TelemetryFixture.query(target, Telemetry.metricsOnly(metrics), stub);
            stub.replyStatus(401, "bad key " + TelemetryFixture.API_KEY);
            assertTrue(call(tool, "{\"question\":\"how many products?\"}").isError());
        }
        Scrape scrape = Scrape.of(metrics);
        assertEquals(1.0, scrape.value("pg_mcp_sql_generation_total", "database", "main", "status", "error"));
        assertEquals(1.0, scrape.value("pg_mcp_retry_attempts_total", "operation", "openai", "outcome", "failure"));
        assertFalse(scrape.text().contains(TelemetryFixture.API_KEY));
    }
}
