package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.notification;
import static io.pgmcp.mcp.TestClient.request;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonRpcFramingTest {

    private static TestClient initialized() {
        TestClient client = new TestClient(new Registry().add(new TestTool("echo",
                (args, context) -> TestTool.ok("{\"echo\":" + args + "}"))));
        client.initialize();
        return client;
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"jsonrpc\":\"2.0\",\"id\":1,", "not json", "{\"a\":1}}", "{\"a\":1} {\"b\":2}",
            "[1,]"})
    void malformedLineGetsParseErrorAndSessionContinues(String line) {
        try (TestClient client = initialized()) {
            client.send(line);
            JsonNode error = client.next();
            assertError(error, -32700);
            assertEquals("Parse error", error.get("error").get("message").asText());
            assertFalse(error.has("id"), error::toString);
            assertEquals("{}", result(client.call("ping", null)).toString());
        }
    }

    @Test
    void duplicateKeysAreAParseError() {
        try (TestClient client = initialized()) {
            client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"method\":\"tools/list\"}");
            assertError(client.next(), -32700);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"x\"", "null", "true", "1.5"})
    void messageThatIsNotAnObjectOrArrayIs32600(String line) {
        try (TestClient client = initialized()) {
            client.send(line);
            JsonNode error = client.next();
            assertError(error, -32600);
            assertFalse(error.has("id"), error::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":7,\"method\":\"ping\"}", "{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}",
            "{\"jsonrpc\":2.0,\"id\":7,\"method\":\"ping\"}"})
    void jsonrpcOtherThan20Is32600WithTheId(String line) {
        try (TestClient client = initialized()) {
            client.send(line);
            JsonNode error = client.next();
            assertError(error, -32600);
            assertEquals(7, error.get("id").asInt());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}", "{\"jsonrpc\":\"2.0\",\"id\":7}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":null}"})
    void methodThatIsNotAStringIs32600(String line) {
        try (TestClient client = initialized()) {
            client.send(line);
            JsonNode error = client.next();
            assertError(error, -32600);
            assertEquals(7, error.get("id").asInt());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "true", "1.5", "1.0", "{}", "[1]"})
    void idThatIsNeitherStringNorIntegerIs32600WithoutId(String id) {
        try (TestClient client = initialized()) {
            client.send(request(id, "ping", null));
            JsonNode error = client.next();
            assertError(error, -32600);
            assertFalse(error.has("id"), error::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"x\"", "5", "null"})
    void paramsThatAreNotAnObjectAre32602(String params) {
        try (TestClient client = initialized()) {
            client.send(request("3", "tools/list", params));
            JsonNode error = client.next();
            assertError(error, -32602);
            assertEquals(3, error.get("id").asInt());
        }
    }

    @Test
    void metaThatIsNotAnObjectIs32602() {
        try (TestClient client = initialized()) {
            assertError(client.call("tools/list", "{\"_meta\":5}"), -32602);
        }
    }

    @Test
    void echoesStringAndNumericIdsWithTheirType() {
        try (TestClient client = initialized()) {
            client.send(request("\"1\"", "ping", null));
            client.send(request("1", "ping", null));
            client.send(request("-5", "ping", null));
            client.send(request("\"\"", "ping", null));
            JsonNode text = client.awaitResponse(TestClient.JSON.getNodeFactory().textNode("1"));
            JsonNode number = client.awaitResponse(TestClient.JSON.getNodeFactory().numberNode(1));
            JsonNode negative = client.awaitResponse(TestClient.JSON.getNodeFactory().numberNode(-5));
            JsonNode empty = client.awaitResponse(TestClient.JSON.getNodeFactory().textNode(""));
            assertTrue(text.get("id").isTextual());
            assertTrue(number.get("id").isIntegralNumber());
            assertEquals(-5, negative.get("id").asInt());
            assertEquals("", empty.get("id").asText());
        }
    }

    @Test
    void bigIntegerIdsSurviveExactly() {
        String big = "123456789012345678901234567890";
        try (TestClient client = initialized()) {
            client.send(request(big, "ping", null));
            JsonNode response = client.awaitResponse(TestClient.JSON.getNodeFactory().numberNode(new BigInteger(big)));
            assertEquals(new BigInteger(big), response.get("id").bigIntegerValue());
            assertTrue(response.toString().contains("\"id\":" + big), response::toString);
        }
    }

    @Test
    void duplicateInFlightRequestIdIs32600() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Registry registry = new Registry().add(new TestTool("wait", (args, context) -> {
            started.countDown();
            release.await();
            return TestTool.ok("{\"done\":true}");
        }));
        try (TestClient client = new TestClient(registry)) {
            client.initialize();
            client.send(request("\"dup\"", "tools/call", "{\"name\":\"wait\"}"));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            client.send(request("\"dup\"", "ping", null));
            JsonNode duplicate = client.next();
            assertError(duplicate, -32600);
            assertEquals("Duplicate request id", duplicate.get("error").get("message").asText());
            release.countDown();
            JsonNode original = client.next();
            assertEquals("dup", original.get("id").asText());
            assertFalse(result(original).get("isError").asBoolean());
            // Once answered, the id is free again.
            client.send(request("\"dup\"", "ping", null));
            assertEquals("{}", result(client.next()).toString());
        }
    }

    @Test
    void unknownMethodIs32601() {
        try (TestClient client = initialized()) {
            JsonNode response = client.call("prompts/list", null);
            assertError(response, -32601);
            assertEquals("Method not found: prompts/list", response.get("error").get("message").asText());
        }
    }

    @Test
    void serverDiscoverIs32601() {
        try (TestClient client = initialized()) {
            assertError(client.call("server/discover", "{}"), -32601);
        }
    }

    @Test
    void unknownNotificationIsIgnoredSilently() {
        try (TestClient client = initialized()) {
            client.send(notification("notifications/whatever", "{\"x\":1}"));
            client.send(notification("tools/list", null));
            client.send(notification("notifications/cancelled", "5"));
            client.send(request("\"next\"", "ping", null));
            assertEquals("next", client.next().get("id").asText());
        }
    }

    @Test
    void clientResponsesAreIgnored() {
        try (TestClient client = initialized()) {
            client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-1,\"message\":\"no\"}}");
            client.send(request("\"next\"", "ping", null));
            assertEquals("next", client.next().get("id").asText());
        }
    }

    @Test
    void everyMessageIsCompactAndCarriesJsonrpc20() {
        try (TestClient client = initialized()) {
            client.call("tools/list", null);
            client.send("garbage");
            client.next();
            for (JsonNode message : client.everything()) {
                assertEquals("2.0", message.get("jsonrpc").asText(), message::toString);
            }
        }
    }

    @Test
    void noNullFieldsInAnyMessage() {
        ResourceProvider provider = new ResourceProvider() {
            @Override
            public java.util.List<ResourceDefinition> resources() {
                return java.util.List.of(new ResourceDefinition("databases://list", "databases", null, null, null));
            }

            @Override
            public java.util.List<ResourceTemplateDefinition> templates() {
                return java.util.List
                        .of(new ResourceTemplateDefinition("schema://{database}", "schema", null, null, null));
            }

            @Override
            public java.util.Optional<ResourceContents> read(String uri, RequestContext context) {
                return uri.equals("databases://list")
                        ? java.util.Optional.of(new ResourceContents(uri, null, "Available Databases:"))
                        : java.util.Optional.empty();
            }
        };
        Registry registry = new Registry()
                .add(new TestTool(new ToolDefinition("bare", null, null, TestClient.json("{\"type\":\"object\"}"), null,
                        new ToolAnnotations(null, null, null, null)), (args, context) -> {
                            context.progress(1, null, null);
                            context.log(LogLevel.ERROR, null, "logged");
                            return TestTool.ok("{\"ok\":true}");
                        }))
                .add(new TestTool("boom", (args, context) -> {
                    throw new IllegalStateException("boom");
                }))
                .add(provider);
        var queue = new java.util.concurrent.LinkedBlockingQueue<String>();
        var session = new McpSession(new ServerInfo("pg-mcp", "1", (String) null), registry,
                McpSession.genericToolErrorMapper(), queue::add, "s");
        try (TestClient client = new TestClient(session::handle, queue)) {
            client.initialize("2025-03-26");
            client.call("tools/list", null);
            client.call("tools/call", "{\"name\":\"bare\",\"_meta\":{\"progressToken\":1}}");
            client.call("tools/call", "{\"name\":\"boom\"}");
            client.call("tools/call", "{\"name\":\"nope\"}");
            client.call("resources/list", null);
            client.call("resources/templates/list", null);
            client.call("resources/read", "{\"uri\":\"databases://list\"}");
            client.call("resources/read", "{\"uri\":\"nope://x\"}");
            client.call("logging/setLevel", "{\"level\":\"loud\"}");
            client.call("no/such", null);
            client.send("{oops");
            client.send("[{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"ping\"},5]");
            client.send(request("null", "ping", null));
            client.awaitBatch();
            var all = client.everything();
            assertTrue(all.size() >= 15, () -> "too few messages: " + all);
            all.forEach(JsonRpcFramingTest::assertNoNullField);
        } finally {
            session.close(TestClient.TIMEOUT);
        }
    }

    private static void assertNoNullField(JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                assertFalse(field.getValue().isNull(), () -> "null field " + field.getKey() + " in " + node);
                assertNoNullField(field.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(JsonRpcFramingTest::assertNoNullField);
        }
    }
}
