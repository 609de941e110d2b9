package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.notification;
import static io.pgmcp.mcp.TestClient.request;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CancellationTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A tool that blocks until released, recording what happens to it. */
    private static final class Blocking {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final CountDownLatch hookRan = new CountDownLatch(1);
        final CountDownLatch exited = new CountDownLatch(1);

        Tool tool() {
            return new TestTool("block", (args, context) -> {
                context.onCancel(hookRan::countDown);
                started.countDown();
                try {
                    release.await();
                    return TestTool.ok("{\"released\":true}");
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                } finally {
                    exited.countDown();
                }
            });
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(10, TimeUnit.SECONDS), "timed out waiting for " + latch);
    }

    /** @return whether any message (or member of a batch answer) is a response to {@code id} */
    private static boolean anyAnswers(List<JsonNode> messages, JsonNode id) {
        return messages.stream().anyMatch(m -> m.isArray()
                ? anyAnswers(java.util.stream.StreamSupport.stream(m.spliterator(), false).toList(), id)
                : TestClient.sameId(m.get("id"), id));
    }

    @Test
    void cancelledRequestIsInterruptedAndGetsNoResponse() throws InterruptedException {
        Blocking blocking = new Blocking();
        TestClient client = new TestClient(new Registry().add(blocking.tool()));
        client.initialize();
        client.send(request("7", "tools/call", "{\"name\":\"block\"}"));
        await(blocking.started);
        client.send(notification("notifications/cancelled", "{\"requestId\":7,\"reason\":\"user pressed stop\"}"));
        await(blocking.interrupted);
        await(blocking.hookRan);
        await(blocking.exited);
        assertEquals("{}", result(client.call("ping", null)).toString());
        client.session().close(TestClient.TIMEOUT); // every request thread has ended once close returns
        assertFalse(anyAnswers(client.everything(), NODES.numberNode(7)), () -> "answered: " + client.everything());
    }

    @Test
    void cancellationMatchesTheIdsJsonType() throws InterruptedException {
        Blocking blocking = new Blocking();
        try (TestClient client = new TestClient(new Registry().add(blocking.tool()))) {
            client.initialize();
            client.send(request("\"7\"", "tools/call", "{\"name\":\"block\"}"));
            await(blocking.started);
            client.send(notification("notifications/cancelled", "{\"requestId\":7}"));
            blocking.release.countDown();
            JsonNode response = client.awaitResponse(NODES.textNode("7"));
            assertTrue(result(response).get("structuredContent").get("released").asBoolean());
            assertEquals(1, blocking.hookRan.getCount(), "a completed request's hooks never run");
        }
    }

    @Test
    void cancellingAnUnknownOrFinishedRequestIsIgnored() {
        try (TestClient client = new TestClient(new Registry())) {
            client.initialize();
            JsonNode ping = client.call("ping", null);
            client.send(notification("notifications/cancelled", "{\"requestId\":" + ping.get("id") + "}"));
            client.send(notification("notifications/cancelled", "{\"requestId\":\"never-sent\"}"));
            client.send(notification("notifications/cancelled", "{\"requestId\":null}"));
            client.send(notification("notifications/cancelled", "{}"));
            client.send(request("\"next\"", "ping", null));
            assertEquals("next", client.next().get("id").asText());
        }
    }

    @Test
    void initializeCannotBeCancelled() {
        try (TestClient client = new TestClient(new Registry())) {
            client.send(request("1", "initialize", "{\"protocolVersion\":\"2025-06-18\"}"));
            client.send(notification("notifications/cancelled", "{\"requestId\":1}"));
            assertEquals("2025-06-18", result(client.next()).get("protocolVersion").asText());
        }
    }

    @Test
    void hookRegisteredAfterCancellationRunsAtOnce() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch lateHook = new CountDownLatch(1);
        AtomicBoolean sawCancelled = new AtomicBoolean();
        Registry registry = new Registry().add(new TestTool("late", (args, context) -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                sawCancelled.set(context.isCancelled());
                context.onCancel(lateHook::countDown); // runs on this thread, now
                assertEquals(0, lateHook.getCount());
                Thread.currentThread().interrupt();
            }
            return TestTool.ok("{}");
        }));
        TestClient client = new TestClient(registry);
        client.initialize();
        client.send(request("\"late\"", "tools/call", "{\"name\":\"late\"}"));
        await(started);
        client.send(notification("notifications/cancelled", "{\"requestId\":\"late\"}"));
        await(lateHook);
        client.session().close(TestClient.TIMEOUT);
        assertTrue(sawCancelled.get());
        assertFalse(anyAnswers(client.everything(), NODES.textNode("late")));
    }

    @Test
    void requestsRunConcurrently() {
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
            client.initialize();
            client.send(request("\"a\"", "tools/call", "{\"name\":\"a\"}"));
            client.send(request("\"b\"", "tools/call", "{\"name\":\"b\"}"));
            assertTrue(
                    result(client.awaitResponse(NODES.textNode("a"))).get("structuredContent").get("met").asBoolean());
            assertTrue(
                    result(client.awaitResponse(NODES.textNode("b"))).get("structuredContent").get("met").asBoolean());
        }
    }

    @Test
    void closeDrainsInFlightRequests() throws InterruptedException {
        Blocking blocking = new Blocking();
        TestClient client = new TestClient(new Registry().add(blocking.tool()));
        client.initialize();
        client.send(request("9", "tools/call", "{\"name\":\"block\"}"));
        await(blocking.started);
        Thread closer = Thread.ofVirtual().start(() -> client.session().close(TestClient.TIMEOUT));
        blocking.release.countDown();
        closer.join();
        assertTrue(
                result(client.awaitResponse(NODES.numberNode(9))).get("structuredContent").get("released").asBoolean());
        assertEquals(1, blocking.hookRan.getCount());
    }

    @Test
    void closeCancelsRequestsThatOutliveTheDrain() throws InterruptedException {
        Blocking blocking = new Blocking();
        TestClient client = new TestClient(new Registry().add(blocking.tool()));
        client.initialize();
        client.send(request("9", "tools/call", "{\"name\":\"block\"}"));
        await(blocking.started);
        client.session().close(Duration.ofMillis(20));
        assertEquals(0, blocking.hookRan.getCount(), "hooks run before close returns");
        await(blocking.interrupted);
        await(blocking.exited);
        assertFalse(anyAnswers(client.everything(), NODES.numberNode(9)));
    }

    @Test
    void closeIsIdempotentAndStopsAcceptingMessages() {
        TestClient client = new TestClient(new Registry());
        client.initialize();
        client.session().close(Duration.ZERO);
        client.session().close(Duration.ZERO);
        client.send(request("1", "ping", null));
        client.send("not json");
        assertEquals(List.of(), client.drain());
    }
}
