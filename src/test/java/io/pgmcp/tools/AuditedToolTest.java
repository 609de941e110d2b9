package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.audit.StreamSink;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RateLimitStrategy;
import io.pgmcp.mcp.RequestContext;
import io.pgmcp.mcp.Tool;
import io.pgmcp.mcp.ToolAnnotations;
import io.pgmcp.mcp.ToolDefinition;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.testing.FakeTicker;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One audit event per call — successes, refusals, invalid arguments, rate-limited calls — with the design's fields. */
class AuditedToolTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Answers as scripted: the body to return for each call in turn. */
    static final class ScriptedTool implements Tool {
        private final List<ObjectNode> answers;
        private int next;

        ScriptedTool(List<ObjectNode> answers) {
            this.answers = answers;
        }

        @Override
        public ToolDefinition definition() {
            ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "object");
            return new ToolDefinition("execute_sql", null, "scripted", schema, schema, new ToolAnnotations(true, false, true, false));
        }

        @Override
        public ToolResult call(ObjectNode arguments, RequestContext context) {
            ObjectNode body = answers.get(next++);
            return new ToolResult(body, !body.path("success").asBoolean());
        }
    }

    static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    @Test
    void everyCallLeavesExactlyOneEvent() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditLog audit = new AuditLog(new StreamSink(out, "test"), Optional.empty());
        RateLimitConfig d = RateLimitConfig.defaults();
        RateLimiter limiter = new RateLimiter(new RateLimitConfig(true, 100, 1000, 3, d.clientIdentifier(), d.tokensPerMinute(),
                d.tokensPerHour(), RateLimitStrategy.REJECT, d.maxQueueWait(), d.includeHeaders(), false), new FakeTicker());
        Tool tool = new AuditedTool(new RateLimitedTool(new ScriptedTool(List.of(
                json("{\"success\":true,\"database\":\"main\",\"result\":{\"columns\":[],\"column_types\":[],\"rows\":[[1]],\"row_count\":1,\"truncated\":false}}"),
                json("{\"success\":false,\"error_code\":\"COLUMN_ACCESS_DENIED\",\"error_message\":\"Column(s) users.ssn may not be read\"}"),
                json("{\"success\":false,\"error_code\":\"VALIDATION_ERROR\",\"error_message\":\"Invalid arguments\"}"))), limiter), audit);
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
        Tool tool = new AuditedTool(new ScriptedTool(List.of(json("{\"success\":true,\"result\":{\"row_count\":0}}"))), audit);
        tool.call(json("{\"sql\":\"SELECT 1\"}"), new TestContext("sess-9", Optional.of("192.0.2.4"), Optional.of("claude-code/2.0")));
        JsonNode client = JSON.readTree(out.toString(StandardCharsets.UTF_8).strip()).get("client_info");
        assertEquals("192.0.2.4", client.get("ip").asText());
        assertEquals("claude-code/2.0", client.get("user_agent").asText());
        assertEquals("sess-9", client.get("session_id").asText());
    }
}
