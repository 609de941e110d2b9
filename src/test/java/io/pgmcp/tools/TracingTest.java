package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.llm.StubLlmServer;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.observability.OtlpReceiver;
import io.pgmcp.observability.OtlpReceiver.ReceivedSpan;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.query.Target;
import io.pgmcp.testing.PostgresDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spans of real tool calls, received and decoded by an in-test OTLP/HTTP receiver. */
class TracingTest {
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

    private static ToolResult call(Tool tool, String arguments, ObjectNode meta) throws Exception {
        return tool.call((ObjectNode) JSON.readTree(arguments), new TestContext(meta));
    }

    private static ToolResult call(Tool tool, String arguments) throws Exception {
        return call(tool, arguments, JsonNodeFactory.instance.objectNode());
    }

    @Test
    void anExecuteSqlCallIsOneTraceWithGuardExplainAndExecuteUnderTheToolCall() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            Telemetry telemetry = TelemetryFixture.traced(receiver.endpoint(), false);
            ToolResult result = call(TelemetryFixture.executeSql(target, telemetry),
                    "{\"sql\":\"SELECT id, name FROM products WHERE id <= 3 ORDER BY id\"}");
            assertFalse(result.isError(), result.structuredContent().toString());
            telemetry.close();

            assertEquals(List.of("/v1/traces"), receiver.paths().stream().distinct().toList());
            ReceivedSpan root = receiver.span("tools/call execute_sql");
            assertEquals("", root.parentSpanId(), "the tool call is the root");
            assertEquals("execute_sql", root.attribute("gen_ai.tool.name").orElseThrow());
            assertEquals("main", root.attribute("db.namespace").orElseThrow());
            assertEquals("pg-mcp-test", root.resource().get("service.name"));
            assertEquals("9.9.9", root.resource().get("service.version"));
            for (String child : List.of("guard", "explain", "execute")) {
                ReceivedSpan span = receiver.span(child);
                assertEquals(root.traceId(), span.traceId(), child);
                assertEquals(root.spanId(), span.parentSpanId(), child + " is a child of the tool call");
                assertEquals(0, span.statusCode(), child + " has no error");
            }
            assertEquals("allowed", receiver.span("guard").attribute("pg_mcp.guard.verdict").orElseThrow());
            ReceivedSpan execute = receiver.span("execute");
            assertEquals(3L, execute.attribute("db.response.returned_rows").orElseThrow());
            assertEquals(false, execute.attribute("pg_mcp.truncated").orElseThrow());
            assertTrue(execute.attribute("db.query.hash").orElseThrow().toString().matches("sha256:[0-9a-f]{64}"));
            assertTrue(receiver.span("explain").attribute("pg_mcp.explain.total_cost").isPresent());

            String sent = receiver.rawText();
            assertFalse(sent.contains("row-value-"), "no row value leaves in a span");
            assertFalse(sent.contains("FROM products"), "no SQL text without logging.log_sql");
        }
    }

    @Test
    void aTraceparentInMetaContinuesTheCallersTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentId = "00f067aa0ba902b7";
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            Telemetry telemetry = TelemetryFixture.traced(receiver.endpoint(), false);
            ObjectNode meta = JsonNodeFactory.instance.objectNode()
                    .put("traceparent", "00-" + traceId + "-" + parentId + "-01")
                    .put("tracestate", "vendor=1");
            call(TelemetryFixture.executeSql(target, telemetry), "{\"sql\":\"SELECT 1 AS one\"}", meta);
            telemetry.close();

            ReceivedSpan root = receiver.span("tools/call execute_sql");
            assertEquals(traceId, root.traceId());
            assertEquals(parentId, root.parentSpanId());
            assertEquals(traceId, receiver.span("execute").traceId());
        }
    }

    @Test
    void aMalformedTraceparentStartsANewTrace() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            Telemetry telemetry = TelemetryFixture.traced(receiver.endpoint(), false);
            call(TelemetryFixture.executeSql(target, telemetry), "{\"sql\":\"SELECT 1 AS one\"}",
                    JsonNodeFactory.instance.objectNode().put("traceparent", "00-abc-def-01"));
            telemetry.close();

            ReceivedSpan root = receiver.span("tools/call execute_sql");
            assertEquals("", root.parentSpanId());
            assertTrue(root.traceId().matches("[0-9a-f]{32}") && !root.traceId().equals("0".repeat(32)),
                    root.traceId());
        }
    }

    @Test
    void aDeniedColumnMarksTheGuardAndTheCallAsErrorsWithTheCode() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            Telemetry telemetry = TelemetryFixture.traced(receiver.endpoint(), true);
            ToolResult result = call(TelemetryFixture.executeSql(target, telemetry),
                    "{\"sql\":\"SELECT name, ssn FROM customers\"}");
            assertTrue(result.isError());
            telemetry.close();

            ReceivedSpan guard = receiver.span("guard");
            assertEquals(2, guard.statusCode(), "error status");
            assertEquals("COLUMN_ACCESS_DENIED", guard.attribute("pg_mcp.error_code").orElseThrow());
            assertEquals("denied", guard.attribute("pg_mcp.guard.verdict").orElseThrow());
            assertEquals("SELECT name, ssn FROM customers", guard.attribute("db.query.text").orElseThrow(),
                    "log_sql is on");
            ReceivedSpan root = receiver.span("tools/call execute_sql");
            assertEquals(2, root.statusCode());
            assertEquals("COLUMN_ACCESS_DENIED", root.attribute("pg_mcp.error_code").orElseThrow());
            assertFalse(receiver.names().contains("execute"), "nothing ran: " + receiver.names());
        }
    }

    @Test
    void aQueryCallTracesGenerationRateLimitAndEveryLlmAttempt() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start(); StubLlmServer stub = StubLlmServer.start()) {
            Telemetry telemetry = TelemetryFixture.traced(receiver.endpoint(), false);
            stub.replyStatus(500, "overloaded")
                    .replyJson("{\"sql\": \"SELECT count(*) AS n FROM products\", \"explanation\": \"x\"}");
            ToolResult result = call(TelemetryFixture.query(target, telemetry, stub),
                    "{\"question\":\"how many products?\"}");
            assertFalse(result.isError(), result.structuredContent().toString());
            telemetry.close();

            ReceivedSpan root = receiver.span("tools/call query");
            ReceivedSpan generation = receiver.span("generate_sql");
            assertEquals(root.spanId(), generation.parentSpanId());
            assertEquals(1L, generation.attribute("pg_mcp.attempt").orElseThrow());
            assertEquals(generation.spanId(), receiver.span("rate_limit").parentSpanId());
            List<ReceivedSpan> requests = receiver.spans().stream().filter(s -> s.name().equals("llm.request"))
                    .toList();
            assertEquals(2, requests.size(), "one span per HTTP attempt");
            ReceivedSpan failed = requests.stream().filter(s -> s.attribute("pg_mcp.attempt").orElseThrow().equals(1L))
                    .findFirst().orElseThrow();
            ReceivedSpan answered = requests.stream()
                    .filter(s -> s.attribute("pg_mcp.attempt").orElseThrow().equals(2L)).findFirst().orElseThrow();
            assertEquals(2, failed.statusCode());
            assertEquals("SERVER_ERROR", failed.attribute("pg_mcp.error_code").orElseThrow());
            assertEquals((long) StubLlmServer.PROMPT_TOKENS,
                    answered.attribute("gen_ai.usage.input_tokens").orElseThrow());
            assertEquals((long) StubLlmServer.COMPLETION_TOKENS,
                    answered.attribute("gen_ai.usage.output_tokens").orElseThrow());
            requests.forEach(r -> assertEquals(generation.spanId(), r.parentSpanId()));
            assertEquals(root.spanId(), receiver.span("execute").parentSpanId());
            assertFalse(receiver.rawText().contains(TelemetryFixture.API_KEY), "no API key in spans");
            assertFalse(receiver.rawText().contains("how many products"), "no question text in spans");
        }
    }
}
