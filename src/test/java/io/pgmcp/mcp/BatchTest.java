package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.json;
import static io.pgmcp.mcp.TestClient.notification;
import static io.pgmcp.mcp.TestClient.request;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchTest {

    private static String batch(String... members) {
        return "[" + String.join(",", members) + "]";
    }

    private static Registry registry() {
        return new Registry().add(new TestTool("echo", (args, context) -> TestTool.ok("{\"echo\":" + args + "}")));
    }

    @Test
    void batchRejectedOn20250618() {
        assertBatchRefused("2025-06-18");
    }

    @Test
    void batchRejectedOn20251125() {
        assertBatchRefused("2025-11-25");
    }

    private static void assertBatchRefused(String version) {
        try (TestClient client = new TestClient(registry())) {
            client.initialize(version);
            client.send(batch(request("1", "ping", null), request("2", "ping", null)));
            JsonNode error = client.next();
            assertTrue(error.isObject(), error::toString);
            assertError(error, -32600);
            assertFalse(error.has("id"));
            assertEquals("Batches are not supported in protocol version " + version,
                    error.get("error").get("message").asText());
            assertEquals("{}", result(client.call("ping", null)).toString());
        }
    }

    @Test
    void batchRejectedBeforeInitialize() {
        try (TestClient client = new TestClient(registry())) {
            client.send(batch(request("1", "initialize", "{\"protocolVersion\":\"2025-03-26\"}")));
            assertError(client.next(), -32600);
            assertTrue(client.session().protocolVersion().isEmpty());
        }
    }

    @Test
    void batchAnsweredOn20250326() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize("2025-03-26");
            client.send(batch(
                    request("1", "ping", null),
                    notification("notifications/initialized", null),
                    request("\"two\"", "tools/call", "{\"name\":\"echo\",\"arguments\":{\"x\":2}}"),
                    request("3", "no/such", null),
                    "5",
                    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}"));
            JsonNode answers = client.next();
            assertTrue(answers.isArray(), answers::toString);
            assertEquals(4, answers.size(), answers::toString);
            assertEquals(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"), answers.get(0));
            assertEquals("two", answers.get(1).get("id").asText());
            assertEquals(json("{\"echo\":{\"x\":2}}"), result(answers.get(1)).get("structuredContent"));
            assertError(answers.get(2), -32601);
            assertError(answers.get(3), -32600);
            assertFalse(answers.get(3).has("id"));
        }
    }

    @Test
    void emptyBatchIs32600() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize("2025-03-26");
            client.send("[]");
            JsonNode error = client.next();
            assertTrue(error.isObject());
            assertError(error, -32600);
        }
    }

    @Test
    void batchOfNotificationsWritesNothing() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize("2025-03-26");
            client.send(batch(notification("notifications/initialized", null), notification("notifications/x", "{}")));
            client.send(request("\"next\"", "ping", null));
            assertEquals("next", client.next().get("id").asText());
        }
    }

    @Test
    void initializeInsideABatchIs32600ForThatMember() {
        try (TestClient client = new TestClient(registry())) {
            client.initialize("2025-03-26");
            client.send(batch(request("1", "initialize", "{\"protocolVersion\":\"2025-03-26\"}"),
                    request("2", "ping", null)));
            JsonNode answers = client.next();
            assertError(answers.get(0), -32600);
            assertEquals(1, answers.get(0).get("id").asInt());
            assertEquals(json("{}"), result(answers.get(1)));
        }
    }

    @Test
    void batchMembersRunConcurrentlyAndLeaveTogether() {
        CountDownLatch aReady = new CountDownLatch(1);
        CountDownLatch bReady = new CountDownLatch(1);
        Registry registry = new Registry()
                .add(new TestTool("a", (args, context) -> {
                    aReady.countDown();
                    return TestTool.ok("{\"met\":" + bReady.await(10, TimeUnit.SECONDS) + "}");
                }))
                .add(new TestTool("b", (args, context) -> {
                    bReady.countDown();
                    return TestTool.ok("{\"met\":" + aReady.await(10, TimeUnit.SECONDS) + "}");
                }));
        try (TestClient client = new TestClient(registry)) {
            client.initialize("2025-03-26");
            client.send(batch(request("1", "tools/call", "{\"name\":\"a\"}"),
                    request("2", "tools/call", "{\"name\":\"b\"}")));
            JsonNode answers = client.next();
            assertEquals(2, answers.size());
            answers.forEach(answer -> assertTrue(result(answer).get("structuredContent").get("met").asBoolean()));
        }
    }

    @Test
    void cancelledBatchMemberIsLeftOutOfTheArray() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Registry registry = new Registry().add(new TestTool("block", (args, context) -> {
            started.countDown();
            new CountDownLatch(1).await();
            return TestTool.ok("{}");
        }));
        try (TestClient client = new TestClient(registry)) {
            client.initialize("2025-03-26");
            client.send(batch(request("\"slow\"", "tools/call", "{\"name\":\"block\"}"),
                    request("\"fast\"", "ping", null)));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            client.send(notification("notifications/cancelled", "{\"requestId\":\"slow\"}"));
            JsonNode answers = client.next();
            assertEquals(1, answers.size(), answers::toString);
            assertEquals("fast", answers.get(0).get("id").asText());
        }
    }
}
