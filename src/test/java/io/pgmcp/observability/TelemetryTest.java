package io.pgmcp.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.LogFormat;
import io.pgmcp.config.LoggingConfig;
import io.pgmcp.config.TracingConfig;
import io.pgmcp.config.TracingProtocol;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Stages: trace ids in log lines, the slow-query warning, and what a disabled tracing costs. */
@ResourceLock(LogCapture.LOCK) // captures Telemetry's log
class TelemetryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A ticker that moves {@code step} forward on every read: each stage then lasts exactly one step. */
    private static Ticker stepping(Duration step) {
        AtomicLong now = new AtomicLong();
        return () -> now.getAndAdd(step.toNanos());
    }

    private static LoggingConfig logging(boolean logSql, Duration slowQuery) {
        return new LoggingConfig(System.Logger.Level.INFO, LogFormat.JSON, true, logSql, slowQuery);
    }

    private static LogRecord record(String message) {
        LogRecord record = new LogRecord(Level.INFO, message);
        record.setLoggerName("t");
        return record;
    }

    @Test
    void linesLoggedInsideASpanCarryItsTraceAndSpanIds() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtlpTracing tracing = new OtlpTracing(
                    new TracingConfig(true, receiver.endpoint(), TracingProtocol.HTTP_PROTOBUF, 1.0, "t"), "1");
            Telemetry telemetry = new Telemetry(new Metrics("1", List.of()), tracing, LoggingConfig.defaults(),
                    Ticker.system());
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            LineHandler jsonHandler = new LineHandler(new PrintStream(json, true, StandardCharsets.UTF_8),
                    new JsonLineFormatter());
            LineHandler consoleHandler = new LineHandler(new PrintStream(console, true, StandardCharsets.UTF_8),
                    new ConsoleLineFormatter());
            jsonHandler.traceIds(tracing::current);
            consoleHandler.traceIds(tracing::current);

            try (Stage call = telemetry.toolCall("execute_sql", null, null);
                    Stage guard = telemetry.stage(StageName.GUARD, "main")) {
                call.attribute("k", 1L);
                guard.attribute("k", 2L);
                jsonHandler.publish(record("inside"));
                consoleHandler.publish(record("inside"));
            }
            jsonHandler.publish(record("outside"));
            telemetry.close();

            OtlpReceiver.ReceivedSpan guard = receiver.span("guard");
            String[] lines = json.toString(StandardCharsets.UTF_8).split("\n");
            JsonNode inside = JSON.readTree(lines[0]);
            assertEquals(guard.traceId(), inside.get("trace_id").asText());
            assertEquals(guard.spanId(), inside.get("span_id").asText(), "the innermost span");
            JsonNode outside = JSON.readTree(lines[1]);
            assertFalse(outside.has("trace_id") || outside.has("span_id"), lines[1]);
            assertTrue(
                    console.toString(StandardCharsets.UTF_8)
                            .contains("inside trace_id=" + guard.traceId() + " span_id=" + guard.spanId()),
                    console.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void anOpenMetricsScrapeLinksAHistogramBucketToTheTraceOfASampledCall() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtlpTracing tracing = new OtlpTracing(
                    new TracingConfig(true, receiver.endpoint(), TracingProtocol.HTTP_PROTOBUF, 1.0, "t"), "1");
            Metrics metrics = new Metrics("1", List.of());
            Telemetry telemetry = new Telemetry(metrics, tracing, LoggingConfig.defaults(), Ticker.system());
            try (Stage call = telemetry.toolCall("execute_sql", null, null);
                    Stage execute = telemetry.stage(StageName.EXECUTE, "main")) {
                call.attribute("k", 1L);
                execute.attribute("k", 2L);
            }
            telemetry.close();
            String traceId = receiver.span("execute").traceId();
            try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, "/metrics", metrics.registry());
                    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
                String text = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + server.port().orElseThrow() + "/metrics")).header("Accept", "application/openmetrics-text")
                        .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(
                        text.lines().anyMatch(
                                l -> l.startsWith("pg_mcp_db_query_duration_seconds_bucket") && l.contains(traceId)),
                        text);
            }
        }
    }

    @Test
    void withoutTracingLinesHaveNoIdsEvenForACallerTraceparent() {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        LineHandler handler = new LineHandler(new PrintStream(json, true, StandardCharsets.UTF_8),
                new JsonLineFormatter());
        Telemetry telemetry = Telemetry.metricsOnly(new Metrics("1", List.of()));
        try (Stage call = telemetry.toolCall("execute_sql", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                null)) {
            call.attribute("k", 1L);
            handler.publish(record("inside"));
        }
        assertFalse(json.toString(StandardCharsets.UTF_8).contains("trace_id"));
    }

    @Test
    void aSlowExecutionIsAWarningWithDatabaseDurationAndHashButNoSqlText() {
        List<LogRecord> records = capture(() -> {
            Telemetry telemetry = new Telemetry(new Metrics("1", List.of()), Tracing.NONE,
                    logging(false, Duration.ofSeconds(5)),
                    stepping(Duration.ofSeconds(6)));
            try (Stage stage = telemetry.stage(StageName.EXECUTE, "main")) {
                stage.sql("SELECT secret_column FROM t");
            }
        });
        assertEquals(1, records.size(), records.toString());
        LogRecord warning = records.getFirst();
        assertEquals(Level.WARNING, warning.getLevel());
        assertEquals("slow query on database 'main': 6.000 s (threshold 5.000 s) sql_hash="
                + Stage.sqlHash("SELECT secret_column FROM t"), warning.getMessage());
    }

    @Test
    void aSlowExecutionShowsItsSqlCutTo500CharactersOnlyWithLogSql() {
        String sql = "SELECT " + "x, ".repeat(300) + "1";
        List<LogRecord> records = capture(() -> {
            Telemetry telemetry = new Telemetry(new Metrics("1", List.of()), Tracing.NONE,
                    logging(true, Duration.ofSeconds(5)),
                    stepping(Duration.ofSeconds(6)));
            try (Stage stage = telemetry.stage(StageName.EXECUTE, "main")) {
                stage.sql(sql);
            }
        });
        String message = records.getFirst().getMessage();
        assertTrue(message.endsWith(" sql=" + sql.substring(0, 500) + "…"), message);
    }

    @Test
    void aFastExecutionOrAnotherStageIsNotLoggedAsSlow() {
        List<LogRecord> records = capture(() -> {
            Telemetry fast = new Telemetry(new Metrics("1", List.of()), Tracing.NONE,
                    logging(true, Duration.ofSeconds(5)),
                    stepping(Duration.ofSeconds(4)));
            try (Stage stage = fast.stage(StageName.EXECUTE, "main")) {
                stage.sql("SELECT 1");
            }
            Telemetry slow = new Telemetry(new Metrics("1", List.of()), Tracing.NONE,
                    logging(true, Duration.ofSeconds(5)),
                    stepping(Duration.ofSeconds(60)));
            try (Stage stage = slow.stage(StageName.GUARD, "main")) {
                stage.sql("SELECT 1");
            }
        });
        assertEquals(List.of(), records);
    }

    @Test
    void aToolCallIsNotAStage() {
        assertThrows(IllegalArgumentException.class, () -> Telemetry.discarding().stage(StageName.TOOL_CALL, ""));
    }

    /** The records Telemetry's logger publishes while {@code body} runs. */
    private static List<LogRecord> capture(Runnable body) {
        try (LogCapture capture = LogCapture.of(Telemetry.class)) {
            body.run();
            return capture.records();
        }
    }
}
