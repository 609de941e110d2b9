package io.pgmcp.mcp;

import static io.pgmcp.mcp.TestClient.assertError;
import static io.pgmcp.mcp.TestClient.request;
import static io.pgmcp.mcp.TestClient.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StdioTransportTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A transport running on its own thread over a fed input and a collected output. */
    private static final class Running implements AutoCloseable {
        final FeedInputStream in = new FeedInputStream();
        final LineOutputStream out = new LineOutputStream();
        final AtomicReference<McpSession> session = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final TestClient client;
        final Thread thread;

        Running(Registry registry, int maxLineBytes) {
            StdioTransport transport = new StdioTransport(in, out, maxLineBytes);
            thread = Thread.ofVirtual().name("stdio-test").start(() -> {
                try {
                    transport.run(sink -> {
                        McpSession created = new McpSession(TestClient.SERVER, registry,
                                McpSession.genericToolErrorMapper(), sink, "stdio");
                        session.set(created);
                        return created;
                    }, TestClient.TIMEOUT);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            client = new TestClient(line -> in.feed(line + "\n"), out.lines());
        }

        Running(Registry registry) {
            this(registry, StdioTransport.DEFAULT_MAX_LINE_BYTES);
        }

        void awaitExit() {
            try {
                assertTrue(thread.join(TestClient.TIMEOUT), "the transport did not return");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the transport", e);
            }
        }

        @Override
        public void close() {
            in.end();
            awaitExit();
        }
    }

    private static Registry echo() {
        return new Registry().add(new TestTool("echo", (args, context) -> TestTool.ok("{\"echo\":" + args + "}")));
    }

    @Test
    void servesASessionOverLines() {
        try (Running running = new Running(echo())) {
            running.client.initialize();
            JsonNode result = result(
                    running.client.call("tools/call", "{\"name\":\"echo\",\"arguments\":{\"s\":\"é漢😀\"}}"));
            assertEquals("é漢😀", result.get("structuredContent").get("echo").get("s").asText());
        }
    }

    @Test
    void linesEndingInCrLfAreAccepted() {
        try (Running running = new Running(echo())) {
            running.in.feed(request("1", "ping", null) + "\r\n");
            assertEquals("{}", result(running.client.next()).toString());
        }
    }

    @Test
    void blankLinesAreIgnored() {
        try (Running running = new Running(echo())) {
            running.in.feed("\n\r\n   \n\t\r\n");
            running.in.feed(request("\"after\"", "ping", null) + "\n");
            assertEquals("after", running.client.next().get("id").asText());
        }
    }

    @Test
    void overlongLineIsRejectedWithoutKillingTheSession() {
        try (Running running = new Running(echo(), 256)) {
            running.client.initialize();
            String huge = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                    + "x".repeat(100_000) + "\"}}";
            running.in.feed(huge.substring(0, 50_000));
            running.in.feed(huge.substring(50_000) + "\n");
            JsonNode error = running.client.next();
            assertError(error, -32700);
            assertEquals("Parse error: message exceeds 256 bytes", error.get("error").get("message").asText());
            assertFalse(error.has("id"));
            assertEquals("{}", result(running.client.call("ping", null)).toString());
        }
    }

    @Test
    void invalidUtf8IsAParseError() {
        try (Running running = new Running(echo())) {
            running.in.feed(new byte[]{'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
            JsonNode error = running.client.next();
            assertError(error, -32700);
            assertFalse(error.has("id"));
            assertEquals("{}", result(running.client.call("ping", null)).toString());
        }
    }

    @Test
    void lastLineWithoutNewlineIsHandled() {
        Running running = new Running(echo());
        running.in.feed(request("\"last\"", "ping", null));
        running.in.end();
        running.awaitExit();
        assertEquals("last", running.client.next().get("id").asText());
    }

    @Test
    void eachMessageIsOneFlushedLineWrittenByOneWriterAtATime() {
        try (Running running = new Running(echo())) {
            running.client.initialize();
            for (int i = 0; i < 50; i++) {
                running.client.send(request(Integer.toString(i), "tools/call",
                        "{\"name\":\"echo\",\"arguments\":{\"i\":" + i + "}}"));
            }
            for (int i = 0; i < 50; i++) {
                result(running.client.awaitResponse(NODES.numberNode(i)));
            }
            assertEquals(0, running.out.flushesMidLine());
            assertFalse(running.out.overlapped(), "two threads wrote at once");
        }
    }

    @Test
    void eofDrainsInFlightRequests() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Registry registry = new Registry().add(new TestTool("slow", (args, context) -> {
            started.countDown();
            release.await();
            return TestTool.ok("{\"finished\":true}");
        }));
        Running running = new Running(registry);
        running.client.initialize();
        running.client.send(request("\"slow\"", "tools/call", "{\"name\":\"slow\"}"));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        running.in.end();
        assertTrue(running.in.endReached().await(10, TimeUnit.SECONDS));
        release.countDown(); // the request was still in flight when the input ended
        running.awaitExit();
        JsonNode response = running.client.awaitResponse(NODES.textNode("slow"));
        assertTrue(result(response).get("structuredContent").get("finished").asBoolean());
        assertEquals(null, running.failure.get());
    }

    @Test
    void brokenOutputShutsTheSessionDown() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        Registry registry = new Registry().add(new TestTool("slow", (args, context) -> {
            context.onCancel(cancelled::countDown);
            started.countDown();
            new CountDownLatch(1).await();
            return TestTool.ok("{}");
        }));
        Running running = new Running(registry);
        running.client.initialize();
        running.client.send(request("1", "tools/call", "{\"name\":\"slow\"}"));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        running.out.breakPipe();
        running.client.send(request("2", "ping", null)); // its answer cannot be written
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "in-flight work is cancelled");
        running.client.send(request("3", "ping", null)); // the reader notices at the next line
        running.awaitExit();
        assertEquals(null, running.failure.get());
    }

    @Test
    void readFailureClosesTheSessionAndIsReported() {
        AtomicReference<McpSession> session = new AtomicReference<>();
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("stdin went away");
            }
        };
        StdioTransport transport = new StdioTransport(failing, new LineOutputStream());
        assertThrows(UncheckedIOException.class, () -> transport.run(sink -> {
            McpSession created = new McpSession(TestClient.SERVER, new Registry(), McpSession.genericToolErrorMapper(),
                    sink, "s");
            session.set(created);
            return created;
        }, Duration.ZERO));
        session.get().handle(request("1", "ping", null)); // dropped: the session is closed
    }

    @Test
    void runIsCalledOnce() {
        StdioTransport transport = new StdioTransport(new java.io.ByteArrayInputStream(new byte[0]),
                new LineOutputStream());
        transport.run(
                sink -> new McpSession(TestClient.SERVER, new Registry(), McpSession.genericToolErrorMapper(), sink,
                        "s"),
                Duration.ZERO);
        assertThrows(IllegalStateException.class, () -> transport.run(sink -> null, Duration.ZERO));
    }

    @Test
    void maxLineBytesMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> new StdioTransport(InputStream.nullInputStream(), new LineOutputStream(), 0));
    }

    @Test
    void outputIsUtf8() {
        try (Running running = new Running(echo())) {
            running.client.initialize();
            running.client.send(request("1", "tools/call", "{\"name\":\"echo\",\"arguments\":{\"s\":\"ü\"}}"));
            JsonNode response = running.client.awaitResponse(NODES.numberNode(1));
            assertEquals("ü", result(response).get("structuredContent").get("echo").get("s").asText());
        }
    }
}
