package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.NamedToken;
import io.pgmcp.config.Secret;
import io.pgmcp.resilience.Ticker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stateless (2026-07-28) requests over Streamable HTTP: no session, mirrored headers, statuses. */
class HttpModernTest {

    private static final HttpConfig LOCAL = new HttpConfig("127.0.0.1", 0, List.of(), List.of(), Optional.empty());
    private static final HttpLimits LIMITS = new HttpLimits(64 * 1024, 100, Duration.ofMinutes(10),
            Duration.ofMillis(50));

    private final AtomicInteger executed = new AtomicInteger();
    private final CountDownLatch blockStarted = new CountDownLatch(1);
    private final CountDownLatch blockCancelled = new CountDownLatch(1);
    private final List<HttpTransport> started = new ArrayList<>();

    private final Registry registry = new Registry()
            .add(new TestTool("count", (arguments, context) -> TestTool.ok("{\"n\":" + executed.incrementAndGet()
                    + ",\"session\":\"" + context.sessionId() + "\"}")))
            .add(new TestTool("progress", (arguments, context) -> {
                context.progress(1, 2.0, "one");
                context.progress(2, 2.0, "two");
                return TestTool.ok("{\"done\":true}");
            }))
            .add(new TestTool("block", (arguments, context) -> {
                context.onCancel(blockCancelled::countDown);
                blockStarted.countDown();
                Thread.sleep(30_000);
                return TestTool.ok("{}");
            }));

    @AfterEach
    void stop() {
        started.forEach(transport -> transport.stop(Duration.ZERO));
    }

    private HttpTransport start(HttpConfig config) throws IOException {
        HttpTransport transport = HttpTransport.start(config, LIMITS,
                (id, sink) -> new McpSession(TestClient.SERVER, registry, McpSession.genericToolErrorMapper(), sink,
                        id),
                ResponseHeaders.NONE, () -> List.of(), Ticker.system());
        started.add(transport);
        return transport;
    }

    /** A modern POST with the headers a conforming client mirrors; {@code name} null for none. */
    private static HttpRequest.Builder modern(HttpTestClient client, String method, String name, String params) {
        return modern(client, method, method, name, params);
    }

    /** A modern POST of {@code bodyMethod} whose {@code Mcp-Method} header says {@code headerMethod}. */
    private static HttpRequest.Builder modern(HttpTestClient client, String bodyMethod, String headerMethod,
            String name,
            String params) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(client.endpoint()).timeout(HttpTestClient.TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", HttpTestClient.ACCEPT_BOTH)
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", headerMethod);
        if (name != null) {
            builder.header("Mcp-Name", name);
        }
        return builder.POST(HttpRequest.BodyPublishers.ofString(body(bodyMethod, params)));
    }

    private static String body(String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + ModernEraTest.modern(params)
                + "}";
    }

    @Test
    void aModernClientNeedsNoSessionAndGetsNoSessionId() throws Exception {
        HttpTransport transport = start(LOCAL);
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        HttpTestClient.Reply discover = client.send(modern(client, "server/discover", null, ""));
        assertEquals(200, discover.status(), discover.response().body());
        assertEquals("2026-07-28", discover.message().at("/result/supportedVersions/0").asText());
        assertNull(discover.header("Mcp-Session-Id"), "no session is minted");

        HttpTestClient.Reply tools = client.send(modern(client, "tools/list", null, ""));
        assertEquals(200, tools.status());
        assertEquals("complete", tools.message().at("/result/resultType").asText());
        assertEquals(3, tools.message().at("/result/tools").size());
        HttpTestClient.Reply call = client
                .send(modern(client, "tools/call", "count", "\"name\":\"count\",\"arguments\":{}"));
        assertEquals(200, call.status());
        assertEquals("stateless-ip:127.0.0.1", call.message().at("/result/structuredContent/session").asText(),
                "without tokens the caller is its address");
        HttpTestClient.Reply stale = client
                .send(modern(client, "tools/call", "count", "\"name\":\"count\",\"arguments\":{}")
                        .header("Mcp-Session-Id", "no-such-session"));
        assertEquals(200, stale.status(), "a session id on a modern request is ignored");
        assertEquals(0, transport.sessionCount());
    }

    @Test
    void headersThatDisagreeWithTheBodyAre400With32020AndNothingRuns() throws Exception {
        HttpTransport transport = start(LOCAL);
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        String callCount = "\"name\":\"count\",\"arguments\":{}";
        List<HttpRequest.Builder> refused = List.of(
                modern(client, "tools/call", "tools/list", "count", callCount), // the case: Mcp-Method names another method
                modern(client, "tools/call", "progress", callCount), // Mcp-Name names another tool
                modern(client, "tools/call", null, callCount), // Mcp-Name missing
                HttpRequest.newBuilder(client.endpoint()).header("MCP-Protocol-Version", "2026-07-28")
                        .header("Mcp-Name", "count")
                        .POST(HttpRequest.BodyPublishers.ofString(body("tools/call", callCount))),
                HttpRequest.newBuilder(client.endpoint()).header("Mcp-Method", "tools/call")
                        .header("Mcp-Name", "count")
                        .POST(HttpRequest.BodyPublishers.ofString(body("tools/call", callCount))),
                modern(client, "tools/call", "count", callCount).setHeader("MCP-Protocol-Version", "2025-11-25"),
                modern(client, "tools/call", "=?base64?not base64!?=", callCount));
        for (HttpRequest.Builder request : refused) {
            HttpTestClient.Reply reply = client.send(request);
            assertEquals(400, reply.status(), reply.response().body());
            assertEquals(-32020, reply.message().at("/error/code").asInt(), reply.response().body());
            assertEquals(1, reply.message().get("id").asInt(), "the error answers the request");
        }
        assertEquals(0, executed.get(), "no refused call ran");
        HttpTestClient.Reply encoded = client.send(modern(client, "tools/call",
                "=?base64?" + Base64.getEncoder().encodeToString("count".getBytes(StandardCharsets.UTF_8)) + "?=",
                callCount));
        assertEquals(200, encoded.status(),
                "an encoded Mcp-Name is decoded before the comparison: " + encoded.response().body());
        assertEquals(1, encoded.message().at("/result/structuredContent/n").asInt());
    }

    @Test
    void versionEnvelopeAndMethodErrorsHaveTheirStatuses() throws Exception {
        HttpTransport transport = start(LOCAL);
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        String old = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"1900-01-01\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        HttpTestClient.Reply unsupported = client.send(HttpRequest.newBuilder(client.endpoint())
                .header("MCP-Protocol-Version", "1900-01-01").header("Mcp-Method", "tools/list")
                .POST(HttpRequest.BodyPublishers.ofString(old)));
        assertEquals(400, unsupported.status());
        assertEquals(-32022, unsupported.message().at("/error/code").asInt());
        assertEquals(3, unsupported.message().get("id").asInt());
        assertEquals("2026-07-28", unsupported.message().at("/error/data/supported/0").asText());

        HttpTestClient.Reply noEnvelope = client.send(HttpRequest.newBuilder(client.endpoint())
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/list")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}")));
        assertEquals(400, noEnvelope.status(), "a modern header without the envelope is refused, not served as legacy");
        assertEquals(-32602, noEnvelope.message().at("/error/code").asInt());

        HttpTestClient.Reply unknownMethod = client.send(modern(client, "prompts/list", null, ""));
        assertEquals(404, unknownMethod.status());
        assertEquals(-32601, unknownMethod.message().at("/error/code").asInt());

        HttpTestClient.Reply unknownResource = client
                .send(modern(client, "resources/read", "nowhere://x", "\"uri\":\"nowhere://x\""));
        assertEquals(200, unknownResource.status(), "a method's own error is in-band");
        assertEquals(-32602, unknownResource.message().at("/error/code").asInt());
        HttpTestClient.Reply unknownTool = client
                .send(modern(client, "tools/call", "nope", "\"name\":\"nope\",\"arguments\":{}"));
        assertEquals(200, unknownTool.status());
        assertEquals(-32602, unknownTool.message().at("/error/code").asInt());
    }

    @Test
    void progressStreamsTellProxiesNotToBuffer() throws Exception {
        HttpTransport transport = start(LOCAL);
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        HttpTestClient.Reply reply = client.send(modern(client, "tools/call", "progress",
                "\"name\":\"progress\",\"arguments\":{}").POST(
                        HttpRequest.BodyPublishers.ofString(
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"_meta\":{"
                                        + ModernEraTest.ENVELOPE
                                        + ",\"progressToken\":\"p\"},\"name\":\"progress\",\"arguments\":{}}}")));
        assertTrue(reply.isStream());
        assertEquals("no", reply.header("X-Accel-Buffering"));
        assertEquals(List.of("notifications/progress", "notifications/progress", "response"),
                reply.messages().stream().map(m -> m.path("method").asText("response")).toList());
        assertEquals("complete", reply.answer().at("/result/resultType").asText());
    }

    @Test
    void withTokensTheCallerIsItsTokenAndResourcesArePrivate() throws Exception {
        HttpTransport transport = start(
                new HttpConfig("127.0.0.1", 0, List.of(new Secret("modern-token-0001")), List.of(),
                        Optional.empty()));
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        HttpTestClient.Reply unauthorized = client.send(modern(client, "tools/list", null, ""));
        assertEquals(401, unauthorized.status());
        HttpTestClient.Reply call = client
                .send(modern(client, "tools/call", "count", "\"name\":\"count\",\"arguments\":{}")
                        .header("Authorization", "Bearer modern-token-0001"));
        assertEquals("stateless-token:" + NamedToken.unnamed(new Secret("modern-token-0001")).name(),
                call.message().at("/result/structuredContent/session").asText());
    }

    @Test
    void closingTheResponseCancelsAModernCall() throws Exception {
        HttpTransport transport = start(LOCAL);
        int port = transport.address().getPort();
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":" + ModernEraTest.modern(
                "\"name\":\"block\",\"arguments\":{}") + "}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
                    + "Mcp-Method: tools/call\r\nMcp-Name: block\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertTrue(blockStarted.await(10, TimeUnit.SECONDS), "the call started");
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200 OK", in.readLine(), "a silent call becomes an event stream");
        }
        assertTrue(blockCancelled.await(10, TimeUnit.SECONDS), "the stream was closed: the call was cancelled");
    }

    @Test
    void aLegacySessionStillWorksBesideModernClients() throws Exception {
        HttpTransport transport = start(LOCAL);
        HttpTestClient legacy = new HttpTestClient(transport.endpoint());
        legacy.initialize("2025-11-25");
        HttpTestClient.Reply tools = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        JsonNode result = tools.message().get("result");
        assertFalse(result.has("resultType"), "legacy results are unchanged");
        HttpTestClient.Reply discover = legacy.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"server/discover\"}");
        assertEquals(-32601, discover.message().at("/error/code").asInt(), "inside a 2025 session it stays unknown");
        assertEquals(1, transport.sessionCount());
        assertEquals(204, legacy.delete().status());
        HttpTestClient.Reply initializeWithModernHeader = legacy.send(HttpRequest.newBuilder(transport.endpoint())
                .header("MCP-Protocol-Version", "2026-07-28").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"x\"}}}")));
        assertEquals(200, initializeWithModernHeader.status(),
                "initialize is the 2025 handshake whatever the headers say");
        assertEquals("2025-11-25", initializeWithModernHeader.message().at("/result/protocolVersion").asText());
        assertEquals(1, transport.sessionCount());
    }
}
