package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.ClientIdentifier;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.NamedToken;
import io.pgmcp.config.RateLimitConfig;
import io.pgmcp.config.RateLimitStrategy;
import io.pgmcp.config.Secret;
import io.pgmcp.resilience.RateLimiter;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.FakeTicker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Streamable HTTP transport against fake tools: protocol, every error status, sessions, security. */
class HttpTransportTest {

    private static final HttpConfig LOCAL = new HttpConfig("127.0.0.1", 0, List.of(), List.of(), Optional.empty());
    private static final HttpLimits LIMITS = new HttpLimits(64 * 1024, 100, Duration.ofMinutes(10),
            Duration.ofMillis(50));

    private final CountDownLatch blockStarted = new CountDownLatch(1);
    private final CountDownLatch blockCancelled = new CountDownLatch(1);
    private final CountDownLatch blockRelease = new CountDownLatch(1);
    private final List<HttpTransport> started = new ArrayList<>();

    private final Registry registry = new Registry()
            .add(new TestTool("echo", (arguments, context) -> TestTool.ok(TestClient.JSON.createObjectNode()
                    .put("text", arguments.path("text").asText())
                    .put("session", context.sessionId())
                    .put("ip", context.remoteAddress().orElse("none"))
                    .put("ua", context.userAgent().orElse("none")).toString())))
            .add(new TestTool("progress", (arguments, context) -> {
                context.progress(1, 2.0, "one");
                context.log(LogLevel.ERROR, "test", "halfway");
                context.progress(2, 2.0, "two");
                return TestTool.ok("{\"done\":true}");
            }))
            .add(new TestTool("block", (arguments, context) -> {
                context.onCancel(blockCancelled::countDown);
                blockStarted.countDown();
                blockRelease.await(30, TimeUnit.SECONDS);
                return TestTool.ok("{\"released\":true}");
            }));

    @AfterEach
    void stop() {
        blockRelease.countDown();
        started.forEach(transport -> transport.stop(Duration.ZERO));
    }

    private HttpTransport start(HttpConfig config, HttpLimits limits, ResponseHeaders headers, Ticker ticker)
            throws IOException {
        HttpTransport transport = HttpTransport.start(config, limits,
                (id, sink) -> new McpSession(TestClient.SERVER, registry, McpSession.genericToolErrorMapper(), sink,
                        id),
                headers, () -> List.of("reports"), ticker);
        started.add(transport);
        return transport;
    }

    private HttpTransport start() throws IOException {
        return start(LOCAL, LIMITS, ResponseHeaders.NONE, Ticker.system());
    }

    @Test
    void servesAWholeSessionWithJsonAndEventStreamAnswers() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint()).header("User-Agent", "agent/7");
        JsonNode init = client.initialize("2025-11-25");
        assertEquals("2025-11-25", init.get("protocolVersion").asText());
        assertTrue(client.sessionId().matches("[A-Za-z0-9_-]{43}"),
                "256 random bits, base64url: " + client.sessionId());

        HttpTestClient.Reply tools = client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertEquals(200, tools.status());
        assertEquals("application/json", tools.header("Content-Type"));
        assertEquals(3, tools.message().at("/result/tools").size());

        HttpTestClient.Reply echo = client.call("a", "echo", "{\"text\":\"hello\"}");
        assertEquals("a", echo.message().get("id").asText());
        JsonNode content = echo.message().at("/result/structuredContent");
        assertEquals("hello", content.get("text").asText());
        assertEquals(client.sessionId(), content.get("session").asText());
        assertEquals("127.0.0.1", content.get("ip").asText());
        assertEquals("agent/7", content.get("ua").asText());

        client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"info\"}}");
        HttpTestClient.Reply progress = client
                .post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                        + "{\"name\":\"progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}");
        assertTrue(progress.isStream(), "notifications turn the answer into an event stream");
        List<String> methods = progress.messages().stream().map(m -> m.path("method").asText("response")).toList();
        assertEquals(List.of("notifications/progress", "notifications/message", "notifications/progress", "response"),
                methods);
        assertEquals("two", progress.messages().get(2).at("/params/message").asText());
        assertTrue(progress.answer().at("/result/structuredContent/done").asBoolean());

        // a JSON-only client gets the answer alone
        HttpTestClient.Reply jsonOnly = client.send(client.request().header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers
                        .ofString("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
                                + "{\"name\":\"progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"q\"}}}")));
        assertEquals("application/json", jsonOnly.header("Content-Type"));
        assertTrue(jsonOnly.message().at("/result/structuredContent/done").asBoolean());

        assertEquals(1, transport.sessionCount());
        assertEquals(204, client.delete().status());
        assertEquals(0, transport.sessionCount());
        assertEquals(404, client.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}").status(),
                "an ended session is gone");
    }

    @Test
    void notificationsAndResponsesAre202AndBatchesWorkOnlyOn20250326() throws Exception {
        HttpTransport transport = start();
        HttpTestClient old = new HttpTestClient(transport.endpoint());
        old.initialize("2025-03-26");
        HttpTestClient.Reply batch = old.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]");
        assertEquals(200, batch.status());
        assertEquals(2, batch.message().size());
        assertEquals(202, old.post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]").status());
        assertEquals(202, old.post("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":{}}").status(),
                "a response from the client");

        HttpTestClient current = new HttpTestClient(transport.endpoint());
        current.initialize();
        HttpTestClient.Reply refused = current.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
        assertEquals(-32600, refused.message().at("/error/code").asInt());
    }

    @Test
    void missingSessionIdIs400AndUnknownSessionIs404() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        HttpTestClient.Reply noSession = client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertEquals(400, noSession.status());
        assertTrue(noSession.message().at("/error/message").asText().contains("Mcp-Session-Id"));

        HttpTestClient.Reply unknown = client.send(client.request().header("Mcp-Session-Id", "no-such-session")
                .header("Accept", HttpTestClient.ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")));
        assertEquals(404, unknown.status());
        assertEquals(404, client.send(client.request().header("Mcp-Session-Id", "no-such-session").DELETE()).status());
        assertEquals(400, client.send(client.request().DELETE()).status());
        assertEquals(400, client.post("{\"jsonrpc\":\"2.0\",\"id\":1,").status(), "unparseable JSON");
        assertEquals(-32700, client.post("{\"jsonrpc\":\"2.0\",\"id\":1,").message().at("/error/code").asInt());
    }

    @Test
    void unsupportedProtocolVersionHeaderIs400BeforeAndAfterInitialize() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        HttpTestClient.Reply early = client.send(client.request().header("MCP-Protocol-Version", "2000-01-01")
                .POST(HttpRequest.BodyPublishers
                        .ofString("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\"}}}")));
        assertEquals(400, early.status());
        assertEquals(0, transport.sessionCount(), "no session for a refused initialize");
        client.initialize();
        HttpTestClient.Reply bad = client.send(client.request().setHeader("MCP-Protocol-Version", "not-a-version")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")));
        assertEquals(400, bad.status());
        assertTrue(bad.message().at("/error/message").asText().contains("2025-11-25"), "names the supported versions");
        // absent: the negotiated version applies
        HttpTestClient.Reply absent = client.send(HttpRequest.newBuilder(transport.endpoint())
                .header("Mcp-Session-Id", client.sessionId())
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}")));
        assertEquals(200, absent.status());
    }

    @Test
    void getAndOtherMethodsAre405() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        client.initialize();
        HttpTestClient.Reply get = client.send(client.request().header("Accept", "text/event-stream").GET());
        assertEquals(405, get.status());
        assertEquals("POST, DELETE", get.header("Allow"));
        assertEquals(405, client.send(client.request().PUT(HttpRequest.BodyPublishers.ofString("{}"))).status());
        assertEquals(404, client.send(HttpRequest.newBuilder(transport.endpoint().resolve("/other")).GET()).status());
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        client.initialize();
        String big = "x".repeat(LIMITS.maxBodyBytes());
        HttpTestClient.Reply tooLarge = client.call(1, "echo", "{\"text\":\"" + big + "\"}");
        assertEquals(413, tooLarge.status());
        assertTrue(tooLarge.message().at("/error/message").asText().contains(Integer.toString(LIMITS.maxBodyBytes())));
        assertEquals(200,
                new HttpTestClient(transport.endpoint()).post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\"}}}")
                        .status(),
                "the server goes on");
    }

    @Test
    void foreignOriginsAndHostsAre403() throws Exception {
        HttpConfig config = new HttpConfig("127.0.0.1", 0, List.of(), List.of("https://app.example.com"),
                Optional.empty());
        HttpTransport transport = start(config, LIMITS, ResponseHeaders.NONE, Ticker.system());
        HttpTestClient evil = new HttpTestClient(transport.endpoint()).header("Origin", "https://evil.example");
        HttpTestClient.Reply refused = evil.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\"}}}");
        assertEquals(403, refused.status());
        assertTrue(refused.message().at("/error/message").asText().contains("Origin"));
        new HttpTestClient(transport.endpoint()).header("Origin", "https://APP.example.com/").initialize();
        new HttpTestClient(transport.endpoint()).initialize(); // no Origin: not a browser

        int port = transport.address().getPort();
        assertTrue(
                raw(port, "GET /healthz HTTP/1.1\r\nHost: attacker.example:" + port + "\r\nConnection: close\r\n\r\n")
                        .startsWith("HTTP/1.1 403"),
                "DNS rebinding: a foreign Host");
        assertTrue(raw(port, "GET /healthz HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 200"));
        assertTrue(raw(port, "GET /healthz HTTP/1.1\r\nHost: [::1]:" + port + "\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 200"));
        assertTrue(raw(port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + (port + 1) + "\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 403"), "another port is another origin");
    }

    @Test
    void bearerTokensAreRequiredWhenConfigured() throws Exception {
        HttpConfig config = new HttpConfig("127.0.0.1", 0,
                List.of(new Secret("first-token"), new Secret("second-token")),
                List.of(), Optional.empty());
        HttpTransport transport = start(config, LIMITS, ResponseHeaders.NONE, Ticker.system());
        String init = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\"}}}";
        HttpTestClient.Reply missing = new HttpTestClient(transport.endpoint()).post(init);
        assertEquals(401, missing.status());
        assertTrue(missing.header("WWW-Authenticate").startsWith("Bearer"));
        HttpTestClient.Reply wrong = new HttpTestClient(transport.endpoint())
                .header("Authorization", "Bearer first-tokeN").post(init);
        assertEquals(401, wrong.status());
        assertTrue(wrong.header("WWW-Authenticate").contains("invalid_token"));
        assertFalse(wrong.response().body().contains("first-token"), "tokens are never echoed");
        assertEquals(401, new HttpTestClient(transport.endpoint()).header("Authorization", "Basic Zmlyc3QtdG9rZW4=")
                .post(init).status());

        HttpTestClient good = new HttpTestClient(transport.endpoint()).header("Authorization", "Bearer second-token");
        good.initialize();
        assertEquals(200, good.call(1, "echo", "{\"text\":\"ok\"}").status());
        HttpTestClient noToken = new HttpTestClient(transport.endpoint());
        assertEquals(200, noToken.send(HttpRequest.newBuilder(transport.endpoint().resolve("/healthz")).GET()).status(),
                "health needs no token");
        // a session answers only to the token that created it: another team member's valid token with a
        // stolen session id sees "not found", and cannot end it either
        HttpTestClient other = new HttpTestClient(transport.endpoint()).header("Authorization", "Bearer first-token")
                .header("Mcp-Session-Id", good.sessionId()).header("MCP-Protocol-Version", "2025-06-18");
        assertEquals(404, other.call(2, "echo", "{\"text\":\"hijack\"}").status());
        assertEquals(404, other.delete().status());
        assertEquals(200, good.call(3, "echo", "{\"text\":\"still mine\"}").status());
        assertEquals(204, good.delete().status());
        assertNotEquals(NamedToken.unnamed(new Secret("first-token")).name(),
                NamedToken.unnamed(new Secret("second-token")).name());
    }

    @Test
    void theNumberOfSessionsIsBounded() throws Exception {
        HttpTransport transport = start(LOCAL,
                new HttpLimits(64 * 1024, 2, Duration.ofMinutes(10), Duration.ofMillis(50)),
                ResponseHeaders.NONE, Ticker.system());
        HttpTestClient first = new HttpTestClient(transport.endpoint());
        first.initialize();
        new HttpTestClient(transport.endpoint()).initialize();
        HttpTestClient.Reply full = new HttpTestClient(transport.endpoint())
                .post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":"
                        + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\"}}}");
        assertEquals(503, full.status());
        assertEquals(9, full.message().get("id").asInt());
        assertTrue(full.message().at("/error/message").asText().contains("Too many sessions"));
        assertNull(full.header("Mcp-Session-Id"));
        assertEquals(204, first.delete().status());
        new HttpTestClient(transport.endpoint()).initialize();
    }

    @Test
    void idleSessionsExpire() throws Exception {
        FakeTicker ticker = new FakeTicker();
        HttpTransport transport = start(LOCAL,
                new HttpLimits(64 * 1024, 100, Duration.ofMinutes(5), Duration.ofMillis(50)),
                ResponseHeaders.NONE, ticker);
        HttpTestClient idle = new HttpTestClient(transport.endpoint());
        idle.initialize();
        HttpTestClient busy = new HttpTestClient(transport.endpoint());
        busy.initialize();
        ticker.advance(Duration.ofMinutes(4));
        assertEquals(200, busy.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status());
        ticker.advance(Duration.ofMinutes(2));
        assertEquals(1, transport.expireIdleSessions(), "only the session idle for 6 minutes");
        assertEquals(404, idle.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status());
        assertEquals(200, busy.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}").status());
        ticker.advance(Duration.ofMinutes(6));
        assertEquals(404, busy.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}").status(),
                "expired when looked up");
        assertEquals(0, transport.sessionCount());
    }

    @Test
    void sixtyFourConcurrentSessionsSeeOnlyTheirOwnAnswers() throws Exception {
        HttpTransport transport = start();
        HttpClient shared = HttpClient.newBuilder().connectTimeout(HttpTestClient.TIMEOUT).build();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Set<String> sessionIds = ConcurrentHashMap.newKeySet();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 64; c++) {
            int clientNumber = c;
            clients.add(Thread.ofVirtual().start(() -> {
                try {
                    HttpTestClient client = new HttpTestClient(shared, transport.endpoint());
                    client.initialize();
                    sessionIds.add(client.sessionId());
                    for (int i = 0; i < 10; i++) {
                        String text = "client-" + clientNumber + "-call-" + i;
                        JsonNode answer = client.call(i, "echo", "{\"text\":\"" + text + "\"}").message();
                        assertEquals(i, answer.get("id").asInt());
                        assertEquals(text, answer.at("/result/structuredContent/text").asText());
                        assertEquals(client.sessionId(), answer.at("/result/structuredContent/session").asText());
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread client : clients) {
            assertTrue(client.join(Duration.ofSeconds(60)), "a client hung");
        }
        assertEquals(List.of(), failures);
        assertEquals(64, sessionIds.size());
        assertEquals(64, transport.sessionCount());
    }

    @Test
    void aClientThatDisconnectsMidCallCancelsIt() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        client.initialize();
        int port = transport.address().getPort();
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"block\",\"arguments\":{}}}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nMcp-Session-Id: " + client.sessionId() + "\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertTrue(blockStarted.await(10, TimeUnit.SECONDS), "the call started");
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200 OK", in.readLine(), "a silent call becomes an event stream");
        }
        assertTrue(blockCancelled.await(10, TimeUnit.SECONDS), "the client went away: the call was cancelled");
        assertEquals(200, client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}").status(),
                "the session goes on");
    }

    @Test
    void deleteCancelsTheSessionsCallsInFlight() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        client.initialize();
        Thread call = Thread.ofVirtual().start(() -> client.call(1, "block", "{}"));
        assertTrue(blockStarted.await(10, TimeUnit.SECONDS));
        assertEquals(204, client.delete().status());
        assertTrue(blockCancelled.await(10, TimeUnit.SECONDS));
        assertTrue(call.join(Duration.ofSeconds(10)), "the cancelled call's POST ended");
    }

    @Test
    void rateLimitHeadersFollowTheClientsBudget() throws Exception {
        RateLimitConfig config = new RateLimitConfig(true, 100, 1000, 2, ClientIdentifier.SESSION, 100_000, 1_000_000,
                RateLimitStrategy.REJECT, Duration.ZERO, true, false);
        FakeTicker ticker = new FakeTicker();
        RateLimiter limiter = new RateLimiter(config, ticker);
        registry.add(new TestTool("limited", (arguments, context) -> {
            var admission = limiter.acquireRequest(
                    limiter.clientKey(context.sessionId(), context.remoteAddress().orElse(null)),
                    context::onCancel);
            return TestTool.ok("{\"admission\":\"" + admission.getClass().getSimpleName() + "\"}");
        }));
        HttpTransport transport = start(LOCAL, LIMITS, ResponseHeaders.rateLimits(limiter), ticker);
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        client.initialize();
        HttpTestClient.Reply first = client.call(1, "limited", "{}");
        assertEquals("2", first.header("RateLimit-Limit"));
        assertEquals("1", first.header("RateLimit-Remaining"));
        assertEquals("60", first.header("RateLimit-Reset"));
        assertNull(first.header("Retry-After"));
        HttpTestClient.Reply second = client.call(2, "limited", "{}");
        assertEquals("0", second.header("RateLimit-Remaining"));
        assertEquals("60", second.header("Retry-After"));
        HttpTestClient.Reply third = client.call(3, "limited", "{}");
        assertEquals("Refused", third.message().at("/result/structuredContent/admission").asText());
        HttpTestClient other = new HttpTestClient(transport.endpoint());
        other.initialize();
        HttpTestClient.Reply otherFirst = other.call(1, "limited", "{}");
        assertEquals("2", otherFirst.header("RateLimit-Limit"));
        assertEquals("1", otherFirst.header("RateLimit-Remaining"), "budgets are per session");
    }

    @Test
    void healthAndReadinessNeedNoSession() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        HttpTestClient.Reply health = client
                .send(HttpRequest.newBuilder(transport.endpoint().resolve("/healthz")).GET());
        assertEquals(200, health.status());
        assertEquals("ok", health.message().get("status").asText());
        HttpTestClient.Reply ready = client.send(HttpRequest.newBuilder(transport.endpoint().resolve("/readyz")).GET());
        assertEquals(503, ready.status());
        assertEquals("[\"reports\"]", ready.message().get("unavailable_databases").toString());
        assertEquals(405, client.send(HttpRequest.newBuilder(transport.endpoint().resolve("/healthz"))
                .POST(HttpRequest.BodyPublishers.noBody())).status());
    }

    @Test
    void stopAnswersCallsInFlightThenRefusesNewOnes() throws Exception {
        HttpTransport transport = start();
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        client.initialize();
        List<HttpTestClient.Reply> replies = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread call = Thread.ofVirtual().start(() -> replies.add(client.call(1, "block", "{}")));
        assertTrue(blockStarted.await(10, TimeUnit.SECONDS));
        Thread stopper = Thread.ofVirtual().start(() -> transport.stop(Duration.ofSeconds(30)));
        assertEquals(503, awaitStatus(client), "refuses new requests while draining");
        blockRelease.countDown();
        assertTrue(stopper.join(Duration.ofSeconds(20)));
        assertTrue(call.join(Duration.ofSeconds(10)));
        assertEquals(1, replies.size());
        assertTrue(replies.getFirst().answer().at("/result/structuredContent/released").asBoolean(),
                "answered within the drain");
    }

    /** The status of a ping sent while the transport is stopping. */
    private static int awaitStatus(HttpTestClient client) {
        // stop() sets the flag before it waits for calls: the first status other than 200 is the answer
        for (int i = 0; i < 1000; i++) {
            int status = client.post("{\"jsonrpc\":\"2.0\",\"id\":\"p" + i + "\",\"method\":\"ping\"}").status();
            if (status != 200) {
                return status;
            }
            Thread.onSpinWait();
        }
        return 200;
    }

    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) HttpTestClient.TIMEOUT.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void sessionIdsAreUnguessableAndDistinct() {
        SessionTable table = new SessionTable(10, Duration.ofMinutes(1), Ticker.system(), Duration.ZERO);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 1000; i++) {
            String id = table.newId();
            assertTrue(id.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7E), "visible ASCII");
            ids.add(id);
        }
        assertEquals(1000, ids.size());
        assertNotNull(table.newId());
    }

    /**
     * A session whose answer is complete is idle at once, though the request that got it still holds it while the
     * last bytes are written: the client may send its next request (or go quiet) before that. Releasing then
     * closing counts the use once.
     */
    @Test
    void aSessionIsIdleFromTheMomentItsAnswerIsComplete() {
        FakeTicker ticker = new FakeTicker();
        SessionTable table = new SessionTable(10, Duration.ofMinutes(5), ticker, Duration.ZERO);
        String id = table.newId();
        assertEquals(SessionTable.Admission.ADMITTED, table.register(new McpSession(TestClient.SERVER, new Registry(),
                McpSession.genericToolErrorMapper(), json -> {}, id), "owner", "client"));
        SessionTable.Lease held = table.acquire(id, "owner").orElseThrow();
        ticker.advance(Duration.ofMinutes(6));
        assertEquals(0, table.sweep(), "a session in use is never expired");
        held.release();
        ticker.advance(Duration.ofMinutes(6));
        assertEquals(1, table.sweep(), "released: idle since its answer, though the lease is not closed yet");
        held.close();
        held.close();
        assertEquals(0, table.size());
    }
}
