package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.audit.AuditEvent;
import io.pgmcp.audit.AuditException;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.audit.AuditSink;
import io.pgmcp.audit.StreamSink;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RateLimitStrategy;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.observability.Metrics;
import io.pgmcp.observability.Scrape;
import io.pgmcp.observability.Telemetry;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.testing.FakeTicker;
import io.pgmcp.resilience.LimitType;
import io.pgmcp.resilience.RateLimiter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One audit event per call — successes, refusals, invalid arguments, rate-limited calls — with the design's fields, and
 * the request metrics of every call, all from one record of the call.
 */
class CallRecorderTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    /** Answers as scripted: each call the next outcome. */
    static StubTool scripted(String name, List<ToolOutcome> outcomes) {
        Iterator<ToolOutcome> next = outcomes.iterator();
        return new StubTool(name, args -> next.next());
    }

    static CallRecorder recorder(AuditLog audit) {
        return new CallRecorder(Telemetry.metricsOnly(new Metrics("dev", List.of())), audit, Set.of("main"),
                new FakeTicker(),
                Clock.systemUTC());
    }

    static CallRecorder recorder(Metrics metrics) {
        return new CallRecorder(Telemetry.metricsOnly(metrics), AuditLog.disabled(), Set.of("main"), new FakeTicker(),
                Clock.systemUTC());
    }

    @Test
    void everyCallLeavesExactlyOneEvent() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditLog audit = new AuditLog(new StreamSink(out, "test"), Optional.empty());
        RateLimitConfig d = RateLimitConfig.defaults();
        RateLimiter limiter = new RateLimiter(
                new RateLimitConfig(true, 100, 1000, 3, d.clientIdentifier(), d.tokensPerMinute(),
                        d.tokensPerHour(), RateLimitStrategy.REJECT, d.maxQueueWait(), d.includeHeaders(), false),
                new FakeTicker());
        Tool tool = new RecordedTool(scripted("execute_sql", List.of(
                StubTool.rows("main", 1),
                ToolOutcome.failed(ErrorCode.COLUMN_ACCESS_DENIED, "Column(s) users.ssn may not be read", null),
                ToolOutcome.failed(ErrorCode.VALIDATION_ERROR, "Invalid arguments", null))), recorder(audit),
                Optional.of(limiter));
        tool.call(json("{\"sql\":\"SELECT 1\",\"database\":\"main\"}"), new TestContext());
        tool.call(json("{\"sql\":\"SELECT ssn FROM users\"}"), new TestContext());
        tool.call(json("{\"sql\":42}"), new TestContext());
        ToolResult limited = tool.call(json("{\"sql\":\"SELECT 2\"}"), new TestContext());
        assertTrue(limited.isError());

        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(4, lines.length, "one event per call");
        JsonNode ok = JSON.readTree(lines[0]);
        assertEquals("query_executed", ok.get("event_type").asText());
        assertEquals("main", ok.get("database").asText());
        assertEquals("SELECT 1", ok.at("/query/sql").asText());
        assertTrue(ok.at("/query/sql_hash").asText().startsWith("sha256:"));
        assertEquals("success", ok.at("/result/status").asText());
        assertEquals(1, ok.at("/result/rows_returned").asInt());
        assertEquals("test", ok.get("session_id").asText());
        JsonNode denied = JSON.readTree(lines[1]);
        assertEquals("policy_violation", denied.get("event_type").asText());
        assertEquals("COLUMN_ACCESS_DENIED", denied.at("/result/error_code").asText());
        assertEquals("denied", denied.at("/policy_checks/column_access").asText());
        JsonNode invalid = JSON.readTree(lines[2]);
        assertEquals("VALIDATION_ERROR", invalid.at("/result/error_code").asText());
        assertFalse(invalid.has("query"), "a non-string sql is not recorded as SQL");
        assertEquals("rate_limit_exceeded", JSON.readTree(lines[3]).get("event_type").asText());
        for (String line : lines) {
            assertFalse(line.contains("null"), "no null fields: " + line);
        }
    }

    @Test
    void anHttpCallsEventCarriesTheClientsAddressUserAgentAndSession() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditLog audit = new AuditLog(new StreamSink(out, "test"), Optional.empty());
        Tool tool = new RecordedTool(scripted("execute_sql", List.of(StubTool.rows(null, 0))), recorder(audit));
        tool.call(json("{\"sql\":\"SELECT 1\"}"),
                new TestContext("sess-9", Optional.of("192.0.2.4"), Optional.of("claude-code/2.0")));
        JsonNode client = JSON.readTree(out.toString(StandardCharsets.UTF_8).strip()).get("client_info");
        assertEquals("192.0.2.4", client.get("ip").asText());
        assertEquals("claude-code/2.0", client.get("user_agent").asText());
        assertEquals("sess-9", client.get("session_id").asText());
    }

    @Test
    void theEventTakesItsTimeFromTheInjectedClockAndTicker() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FakeTicker ticker = new FakeTicker();
        Instant now = Instant.parse("2026-03-01T12:00:00.250Z");
        CallRecorder recorder = new CallRecorder(Telemetry.metricsOnly(new Metrics("dev", List.of())),
                new AuditLog(new StreamSink(out, "test"), Optional.empty()), Set.of("main"), ticker,
                Clock.fixed(now, ZoneOffset.UTC));
        Tool tool = new RecordedTool(new StubTool("execute_sql", args -> {
            ticker.advance(Duration.ofMillis(1500));
            return StubTool.rows("main", 3);
        }), recorder);
        tool.call(json("{\"sql\":\"SELECT 1\"}"), new TestContext());
        JsonNode event = JSON.readTree(out.toString(StandardCharsets.UTF_8).strip());
        assertEquals("2026-03-01T12:00:00.250Z", event.get("timestamp").asText());
        assertEquals(1500.0, event.at("/result/execution_time_ms").asDouble());
    }

    @Test
    void aThrowingToolIsRecordedAsInternalErrorAndTheThrowableGoesOnToTheSession() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditLog audit = new AuditLog(new StreamSink(out, "test"), Optional.empty());
        IllegalStateException boom = new IllegalStateException("boom: SELECT secret");
        Tool tool = new RecordedTool(new StubTool("execute_sql", args -> {
            throw boom;
        }), recorder(audit));
        assertSame(boom, assertThrows(IllegalStateException.class,
                () -> tool.call(json("{\"sql\":\"SELECT 1\"}"), new TestContext())));
        JsonNode event = JSON.readTree(out.toString(StandardCharsets.UTF_8).strip());
        assertEquals("query_executed", event.get("event_type").asText());
        assertEquals("error", event.at("/result/status").asText());
        assertEquals("INTERNAL_ERROR", event.at("/result/error_code").asText());
        assertEquals("Internal error in pg-mcp; the server log has the details.",
                event.at("/result/error_message").asText());
        assertFalse(event.toString().contains("boom"), "the exception's message stays in the log");
    }

    @Test
    void anEventThatCannotBeWrittenWithholdsTheResult() throws Exception {
        AuditSink broken = new AuditSink() {
            @Override
            public void write(AuditEvent event) throws AuditException {
                throw new AuditException("disk full", null);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Tool tool = new RecordedTool(scripted("execute_sql", List.of(StubTool.rows("main", 1))),
                recorder(new AuditLog(broken, Optional.empty())));
        ToolResult result = tool.call(json("{\"sql\":\"SELECT 1\"}"), new TestContext());
        assertTrue(result.isError());
        assertEquals("{\"success\":false,\"error_code\":\"INTERNAL_ERROR\","
                + "\"error_message\":\"The audit log could not be written, so the result is withheld.\"}",
                result.structuredContent().toString());
        Tool throwing = new RecordedTool(new StubTool("execute_sql", args -> {
            throw new IllegalStateException("boom");
        }), recorder(new AuditLog(broken, Optional.empty())));
        assertEquals("The audit log could not be written, so the result is withheld.",
                throwing.call(json("{}"), new TestContext()).structuredContent().get("error_message").asText());
    }

    @Test
    void recordsStatusDatabaseErrorCodeAndPolicyChecks() throws Exception {
        Metrics metrics = new Metrics("dev", List.of());
        CallRecorder recorder = recorder(metrics);
        Tool ok = new RecordedTool(new StubTool("stub", args -> StubTool.rows("main", 1)), recorder);
        Tool denied = new RecordedTool(new StubTool("stub",
                args -> ToolOutcome.failed(ErrorCode.COLUMN_ACCESS_DENIED, "no", null)), recorder);
        Tool limited = new RecordedTool(
                new StubTool("stub", args -> new ToolOutcome.Failed(ErrorCode.RATE_LIMIT_EXCEEDED, "no",
                        Optional.of(LimitType.PER_CLIENT_PER_MINUTE), null)),
                recorder);
        Tool unknown = new RecordedTool(new StubTool("stub", args -> StubTool.rows("secret-name", 0)), recorder);
        ok.call(JSON.createObjectNode(), new TestContext());
        ok.call(JSON.createObjectNode().put("database", "main"), new TestContext());
        denied.call(JSON.createObjectNode().put("database", "main"), new TestContext());
        limited.call(JSON.createObjectNode().put("database", "not-configured"), new TestContext());
        unknown.call(JSON.createObjectNode(), new TestContext());
        Scrape scrape = Scrape.of(metrics);
        assertEquals(2.0,
                scrape.value("pg_mcp_requests_total", "database", "main", "error_code", "", "status", "success"));
        assertEquals(1.0, scrape.value("pg_mcp_requests_total", "database", "main", "error_code",
                "COLUMN_ACCESS_DENIED", "status", "error"));
        assertEquals(1.0, scrape.value("pg_mcp_requests_total", "database", "", "error_code", "RATE_LIMIT_EXCEEDED",
                "status", "error"));
        assertEquals(1.0, scrape.value("pg_mcp_requests_total", "database", "", "error_code", "", "status", "success"));
        assertEquals(3.0, scrape.value("pg_mcp_request_duration_seconds_count", "database", "main"));
        assertEquals(0.0, scrape.value("pg_mcp_requests_in_flight", "database", "main"));
        assertEquals(0.0, scrape.value("pg_mcp_requests_in_flight", "database", ""));
        assertEquals(4.0, scrape.value("pg_mcp_policy_check_total", "check_type", "table", "result", "passed"));
        assertEquals(3.0, scrape.value("pg_mcp_policy_check_total", "check_type", "column", "result", "passed"));
        assertEquals(1.0, scrape.value("pg_mcp_policy_check_total", "check_type", "column", "result", "denied"));
        assertEquals(3.0, scrape.value("pg_mcp_policy_check_total", "check_type", "explain", "result", "passed"));
        assertEquals(1.0, scrape.value("pg_mcp_rate_limit_exceeded_total", "limit_type", "per_client_per_minute"));
        assertFalse(scrape.text().contains("secret-name"), "unconfigured database names never become label values");
        assertFalse(scrape.text().contains("not-configured"), "unconfigured database names never become label values");
    }

    @Test
    void countsCallsPerPrincipalsEntryAndAuditsTheCallersOwnName() throws Exception {
        Metrics metrics = new Metrics("dev", List.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CallRecorder recorder = new CallRecorder(Telemetry.metricsOnly(metrics),
                new AuditLog(new StreamSink(out, "test"), Optional.empty()), Set.of("main"), new FakeTicker(),
                Clock.systemUTC(), Optional.of("analysts"));
        Tool ok = new RecordedTool(new StubTool("stub", args -> StubTool.rows("main", 1)), recorder);
        Tool denied = new RecordedTool(new StubTool("stub",
                args -> ToolOutcome.failed(ErrorCode.TABLE_ACCESS_DENIED, "no", null)), recorder);
        ok.call(JSON.createObjectNode(), TestContext.of("alice@example.com"));
        ok.call(JSON.createObjectNode(), TestContext.of("bob@example.com"));
        denied.call(JSON.createObjectNode(), TestContext.of("alice@example.com"));
        Scrape scrape = Scrape.of(metrics);
        assertEquals(2.0,
                scrape.value("pg_mcp_principal_requests_total", "principal", "analysts", "status", "success"));
        assertEquals(1.0, scrape.value("pg_mcp_principal_requests_total", "principal", "analysts", "status", "error"));
        assertFalse(scrape.text().contains("example.com"), "a caller's own name is never a label value");
        List<String> events = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, events.size());
        assertEquals("alice@example.com", JSON.readTree(events.getFirst()).get("principal").asText());
        assertEquals("bob@example.com", JSON.readTree(events.get(1)).get("principal").asText());

        Metrics off = new Metrics("dev", List.of());
        new RecordedTool(new StubTool("stub", args -> StubTool.rows("main", 1)), recorder(off))
                .call(JSON.createObjectNode(), TestContext.of("alice@example.com"));
        assertFalse(Scrape.of(off).text().contains("pg_mcp_principal_requests_total{"),
                "no series unless principal_label is on");
    }

    @Test
    void countsAThrowingToolAsInternalErrorAndLeavesNothingInFlight() throws Exception {
        Metrics metrics = new Metrics("dev", List.of());
        Tool failing = new RecordedTool(new StubTool("stub", args -> {
            throw new IllegalStateException("boom");
        }), recorder(metrics));
        assertThrows(IllegalStateException.class,
                () -> failing.call(JSON.createObjectNode().put("database", "main"), new TestContext()),
                "the session's error mapper answers it; the recorder only records");
        Scrape scrape = Scrape.of(metrics);
        assertEquals(1.0, scrape.value("pg_mcp_requests_total", "database", "main", "error_code", "INTERNAL_ERROR",
                "status", "error"));
        assertEquals(0.0, scrape.value("pg_mcp_requests_in_flight", "database", "main"));
    }

    @Test
    void aLimitGoesWithRateLimitExceededOnly() {
        assertThrows(IllegalArgumentException.class, () -> new ToolOutcome.Failed(ErrorCode.UNSAFE_SQL, "no",
                Optional.of(LimitType.REQUESTS_PER_MINUTE), JsonNodeFactory.instance.objectNode()));
    }
}
