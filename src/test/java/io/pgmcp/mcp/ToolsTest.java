package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.json;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ToolsTest {

    private static final ObjectNode QUERY_SCHEMA = json(
            "{\"type\":\"object\",\"properties\":{\"sql\":{\"type\":\"string\"}},\"required\":[\"sql\"]}");

    private static Registry registry() {
        return new Registry()
                .add(new TestTool(
                        new ToolDefinition("execute_sql", "Execute SQL", "Runs a read-only query.", QUERY_SCHEMA,
                                json("{\"type\":\"object\",\"properties\":{\"success\":{\"type\":\"boolean\"}}}"),
                                new ToolAnnotations(true, null, null, false)),
                        (args, context) -> TestTool.ok("{\"success\":true,\"sql\":" + args.get("sql")
                                + ",\"result\":{\"rows\":[[1,null,\"é\"]],\"n\":12345678901234567890}}")))
                .add(new TestTool("bare", (args, context) -> TestTool.ok("{\"args\":" + args + "}")));
    }

    @Test
    void toolsListCarriesDefinitionsInOrderWithoutAbsentFields() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode tools = result(client.call("tools/list", null)).get("tools");
            assertEquals(2, tools.size());
            assertEquals(json(
                    "{\"name\":\"execute_sql\",\"title\":\"Execute SQL\",\"description\":\"Runs a read-only query.\","
                            + "\"inputSchema\":" + QUERY_SCHEMA
                            + ",\"outputSchema\":{\"type\":\"object\",\"properties\":"
                            + "{\"success\":{\"type\":\"boolean\"}}},\"annotations\":{\"readOnlyHint\":true,\"openWorldHint\":false}}"),
                    tools.get(0));
            assertEquals(json(
                    "{\"name\":\"bare\",\"description\":\"test tool bare\",\"inputSchema\":{\"type\":\"object\"}}"),
                    tools.get(1));
        }
    }

    @Test
    void toolsListAcceptsAndIgnoresACursor() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode result = result(client.call("tools/list", "{\"cursor\":\"page-2\"}"));
            assertEquals(2, result.get("tools").size());
            assertFalse(result.has("nextCursor"));
        }
    }

    @Test
    void toolResultCarriesStructuredContentAndSameJsonAsText() throws Exception {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode result = result(client.call("tools/call",
                    "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"SELECT 1\"}}"));
            assertFalse(result.get("isError").asBoolean());
            JsonNode structured = result.get("structuredContent");
            assertEquals("SELECT 1", structured.get("sql").asText());
            assertEquals(1, result.get("content").size());
            JsonNode text = result.get("content").get(0);
            assertEquals("text", text.get("type").asText());
            assertEquals(structured, TestClient.JSON.readTree(text.get("text").asText()));
            assertEquals(TestClient.JSON.writeValueAsString(structured), text.get("text").asText());
            assertTrue(structured.get("result").get("rows").get(0).get(1).isNull(),
                    "SQL NULL stays a JSON null in data");
            assertEquals("12345678901234567890", structured.get("result").get("n").bigIntegerValue().toString());
        }
    }

    @Test
    void exactDecimalsKeepEveryDigitInBothCopies() {
        Registry registry = new Registry().add(new TestTool("numeric", (args, context) -> ToolResult.success(
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .put("price", new java.math.BigDecimal("1.50"))
                        .put("scaled", new java.math.BigDecimal("1E+3"))
                        .put("long", new java.math.BigDecimal("12345678901234567890.000000000000000001")))));
        try (TestClient client = new TestClient(registry)) {
            client.initialize();
            JsonNode result = result(client.call("tools/call", "{\"name\":\"numeric\"}"));
            assertEquals("{\"price\":1.50,\"scaled\":1000,\"long\":12345678901234567890.000000000000000001}",
                    result.get("content").get(0).get("text").asText());
            assertEquals(new java.math.BigDecimal("1.50"), result.get("structuredContent").get("price").decimalValue());
        }
    }

    @Test
    void absentArgumentsAreAnEmptyObject() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            assertEquals(json("{\"args\":{}}"),
                    result(client.call("tools/call", "{\"name\":\"bare\"}")).get("structuredContent"));
        }
    }

    @Test
    void toolExceptionBecomesIsErrorResult() {
        Registry registry = new Registry().add(new TestTool("boom", (args, context) -> {
            throw new IllegalStateException("password=hunter2 at /etc/secret");
        }));
        try (TestClient client = new TestClient(registry)) {
            client.initialize();
            JsonNode response = client.call("tools/call", "{\"name\":\"boom\"}");
            JsonNode result = result(response);
            assertTrue(result.get("isError").asBoolean());
            assertEquals(
                    json("{\"success\":false,\"error_code\":\"INTERNAL_ERROR\",\"error_message\":\"Internal error\"}"),
                    result.get("structuredContent"));
            assertFalse(response.toString().contains("hunter2"), response::toString);
            assertFalse(response.toString().contains("IllegalStateException"), response::toString);
        }
    }

    @Test
    void toolErrorMapperIsTheOnePlaceThatShapesFailures() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Registry registry = new Registry()
                .add(new TestTool("boom", (args, context) -> {
                    throw new java.sql.SQLException("relation does not exist", "42P01");
                }))
                .add(new TestTool("overflow", (args, context) -> {
                    throw new StackOverflowError();
                }));
        try (TestClient client = new TestClient(registry, failure -> {
            seen.set(failure);
            return ToolResult.error(json("{\"success\":false,\"error_code\":\"MAPPED\"}"));
        })) {
            client.initialize();
            JsonNode result = result(client.call("tools/call", "{\"name\":\"boom\"}"));
            assertTrue(result.get("isError").asBoolean());
            assertEquals("MAPPED", result.get("structuredContent").get("error_code").asText());
            assertEquals("42P01", ((java.sql.SQLException) seen.get()).getSQLState());
            JsonNode overflow = result(client.call("tools/call", "{\"name\":\"overflow\"}"));
            assertEquals("MAPPED", overflow.get("structuredContent").get("error_code").asText());
            assertTrue(seen.get() instanceof StackOverflowError);
        }
    }

    @Test
    void failingOrEmptyMapperFallsBackToTheGenericErrorResult() {
        Registry registry = new Registry().add(new TestTool("boom", (args, context) -> {
            throw new IllegalStateException("x");
        }));
        try (TestClient client = new TestClient(registry, failure -> {
            throw new IllegalArgumentException("mapper bug");
        })) {
            client.initialize();
            JsonNode result = result(client.call("tools/call", "{\"name\":\"boom\"}"));
            assertTrue(result.get("isError").asBoolean());
            assertEquals("INTERNAL_ERROR", result.get("structuredContent").get("error_code").asText());
        }
        try (TestClient client = new TestClient(registry, failure -> null)) {
            client.initialize();
            JsonNode result = result(client.call("tools/call", "{\"name\":\"boom\"}"));
            assertEquals("INTERNAL_ERROR", result.get("structuredContent").get("error_code").asText());
        }
    }

    @Test
    void toolReturningNullBecomesAnErrorResult() {
        Registry registry = new Registry().add(new TestTool("nothing", (args, context) -> null));
        try (TestClient client = new TestClient(registry)) {
            client.initialize();
            JsonNode result = result(client.call("tools/call", "{\"name\":\"nothing\"}"));
            assertTrue(result.get("isError").asBoolean());
        }
    }

    @Test
    void missingOrNonStringToolNameIs32602() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            assertError(client.call("tools/call", "{}"), -32602);
            assertError(client.call("tools/call", "{\"name\":7}"), -32602);
            assertError(client.call("tools/call", null), -32602);
        }
    }

    @Test
    void unknownToolIs32602() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            JsonNode response = client.call("tools/call", "{\"name\":\"drop_database\"}");
            assertError(response, -32602);
            assertEquals("Unknown tool: drop_database", response.get("error").get("message").asText());
        }
    }

    @Test
    void argumentsThatAreNotAnObjectAre32602() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize();
            assertError(client.call("tools/call", "{\"name\":\"bare\",\"arguments\":[1]}"), -32602);
            assertError(client.call("tools/call", "{\"name\":\"bare\",\"arguments\":\"x\"}"), -32602);
            assertError(client.call("tools/call", "{\"name\":\"bare\",\"arguments\":null}"), -32602);
        }
    }

    @Test
    void metaReachesTheTool() {
        AtomicReference<ObjectNode> meta = new AtomicReference<>();
        Registry registry = new Registry().add(new TestTool("meta", (args, context) -> {
            meta.set(context.meta());
            return TestTool.ok("{}");
        }));
        try (TestClient client = new TestClient(registry)) {
            client.initialize();
            client.call("tools/call", "{\"name\":\"meta\",\"_meta\":{\"traceparent\":\"00-abc-def-01\"}}");
            assertEquals("00-abc-def-01", meta.get().get("traceparent").asText());
            client.call("tools/call", "{\"name\":\"meta\"}");
            assertEquals(json("{}"), meta.get());
        }
    }
}
