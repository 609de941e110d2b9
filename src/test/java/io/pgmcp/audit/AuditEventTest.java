package io.pgmcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AuditEventTest {

    @Test
    void writesTheDesignsFieldsWithWireNames() {
        JsonNode event = AuditEvents.parse(AuditEvents.executed("7").toJsonLine());
        assertEquals("2025-01-15T10:30:00.123456Z", event.get("timestamp").asText());
        assertEquals("query_executed", event.get("event_type").asText());
        assertEquals("7", event.get("request_id").asText());
        assertEquals("session-1", event.get("session_id").asText());
        assertEquals("analytics", event.get("database").asText());
        assertEquals("execute_sql", event.get("tool").asText());
        assertEquals("10.0.0.7", event.at("/client_info/ip").asText());
        assertEquals("claude-code/1.0", event.at("/client_info/user_agent").asText());
        assertEquals("session-1", event.at("/client_info/session_id").asText(), "the builder copies the session id");
        assertEquals("how many users?", event.at("/query/question").asText());
        assertEquals("SELECT count(*) FROM users WHERE name = 'Ann' AND age > 30", event.at("/query/sql").asText());
        assertEquals("success", event.at("/result/status").asText());
        assertEquals(1, event.at("/result/rows_returned").asLong());
        assertEquals(12.5, event.at("/result/execution_time_ms").asDouble());
        assertFalse(event.at("/result/truncated").asBoolean());
        assertEquals("passed", event.at("/policy_checks/table_access").asText());
        assertEquals("passed", event.at("/policy_checks/column_access").asText());
        assertEquals("skipped", event.at("/policy_checks/explain_check").asText());
        assertTrue(event.get("event_id").asText().matches("[0-9a-f-]{36}"));
    }

    @Test
    void thePrincipalIsWrittenAfterTheSessionWhenKnown() {
        AuditEvent event = AuditEvent.builder(EventType.QUERY_EXECUTED, "3", AuditEvents.TIMESTAMP)
                .sessionId("s-1").principal("alice").tool("execute_sql").build();
        JsonNode json = AuditEvents.parse(event.toJsonLine());
        assertEquals("alice", json.get("principal").asText());
        assertEquals(List.of("timestamp", "event_type", "request_id", "session_id", "principal", "tool",
                "client_info", "event_id"), names(json));
        assertFalse(AuditEvents.executed("4").toJsonLine().contains("principal"), "none without one");
    }

    @Test
    void sqlHashIsSha256OfTheSqlAsItRan() {
        // sha256("SELECT 1"), from sha256sum
        assertEquals("sha256:e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701f386135d72cdecf5",
                AuditEvent.QueryInfo.hash("SELECT 1"));
        AuditEvent event = AuditEvents.executed("1");
        AuditEvent redacted = event.withSqlRedacted(sql -> "SELECT ?");
        assertEquals(Optional.of("SELECT ?"), redacted.query().get().sql());
        assertEquals(event.query().get().sqlHash(), redacted.query().get().sqlHash());
        assertEquals(AuditEvent.QueryInfo.hash("SELECT count(*) FROM users WHERE name = 'Ann' AND age > 30"),
                AuditEvents.parse(redacted.toJsonLine()).at("/query/sql_hash").asText());
    }

    @Test
    void leavesOutAbsentValuesAndNeverWritesNull() {
        AuditEvent bare = AuditEvent.builder(EventType.RATE_LIMIT_EXCEEDED, "req-9", AuditEvents.TIMESTAMP)
                .result(AuditEvent.ResultInfo.denied("RATE_LIMITED", "60 calls per minute", 0))
                .build();
        String line = bare.toJsonLine();
        JsonNode event = AuditEvents.parse(line);
        assertFalse(line.contains("null"), line);
        assertEquals(List.of("timestamp", "event_type", "request_id", "result", "event_id"), names(event));
        assertEquals(List.of("status", "execution_time_ms", "truncated", "error_code", "error_message"),
                names(event.get("result")));
        assertEquals("rate_limit_exceeded", event.get("event_type").asText());
        assertEquals("denied", event.at("/result/status").asText());
        for (AuditEvent e : List.of(AuditEvents.executed("1"), bare)) {
            assertNoNulls(AuditEvents.parse(e.toJsonLine()));
        }
    }

    @Test
    void aQuestionWithoutSqlHasNoHash() {
        JsonNode event = AuditEvents.parse(AuditEvent.builder(EventType.QUERY_DENIED, "3", AuditEvents.TIMESTAMP)
                .query("drop everything", null).build().toJsonLine());
        assertEquals(List.of("question"), names(event.get("query")));
    }

    @Test
    void lineBreaksInValuesStayOnOneLine() {
        String line = AuditEvent.builder(EventType.QUERY_EXECUTED, "1", AuditEvents.TIMESTAMP)
                .query("two\nlines", "SELECT 1\r\nFROM t\u2028").build().toJsonLine();
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        assertEquals("SELECT 1\r\nFROM t\u2028", AuditEvents.parse(line).at("/query/sql").asText());
    }

    @Test
    void nulAndLoneSurrogatesBecomeReplacementCharacters() {
        String line = AuditEvent.builder(EventType.QUERY_EXECUTED, "1", AuditEvents.TIMESTAMP)
                .query("a\u0000b\uD800c \uD83D\uDE00", null).build().toJsonLine();
        assertEquals("a\uFFFDb\uFFFDc \uD83D\uDE00", AuditEvents.parse(line).at("/query/question").asText());
        assertFalse(line.contains("\\u0000"), line);
    }

    @Test
    void errorResultsCarryCodeAndMessage() {
        JsonNode result = AuditEvents.parse(AuditEvent.builder(EventType.QUERY_EXECUTED, "1", AuditEvents.TIMESTAMP)
                .result(AuditEvent.ResultInfo.error("57014", "canceling statement due to statement timeout", 30000.25))
                .build().toJsonLine()).get("result");
        assertEquals("error", result.get("status").asText());
        assertEquals("57014", result.get("error_code").asText());
        assertEquals(30000.25, result.get("execution_time_ms").asDouble());
        assertFalse(result.has("rows_returned"));
    }

    @Test
    void rejectsInvalidParts() {
        assertThrows(IllegalArgumentException.class,
                () -> AuditEvent.builder(EventType.QUERY_EXECUTED, "", AuditEvents.TIMESTAMP).build());
        assertThrows(IllegalArgumentException.class, () -> AuditEvent.QueryInfo.of(null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new AuditEvent.QueryInfo(Optional.empty(), Optional.of("SELECT 1"), Optional.of("md5:x")));
        assertThrows(IllegalArgumentException.class,
                () -> new AuditEvent.QueryInfo(Optional.empty(), Optional.of("SELECT 1"), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> AuditEvent.ResultInfo.success(-1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new AuditEvent.ResultInfo(ResultStatus.SUCCESS,
                OptionalLong.empty(), Double.NaN, false, Optional.empty(), Optional.empty()));
    }

    @Test
    void eventsGetDistinctIds() {
        assertFalse(AuditEvents.executed("1").eventId().equals(AuditEvents.executed("1").eventId()));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertNoNulls(JsonNode node) {
        assertFalse(node.isNull(), "a null value");
        for (Iterator<JsonNode> children = node.elements(); children.hasNext();) {
            assertNoNulls(children.next());
        }
    }
}
