package io.pgmcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.testing.FakeTicker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** No one holds every 2025-era session: per-client bounds, shedding under pressure, half-open sockets. */
class SessionBoundsTest {

    private static final List<Secret> TOKENS = List.of(new Secret("token-alice-000001"),
            new Secret("token-bob-00000002"),
            new Secret("token-carol-000003"), new Secret("token-dave-0000004"));
    private static final HttpConfig WITH_TOKENS = new HttpConfig("127.0.0.1", 0, TOKENS, List.of(), Optional.empty());
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\"}}}";

    private final Registry registry = new Registry()
            .add(new TestTool("echo", (arguments, context) -> TestTool.ok("{\"ok\":true}")));
    private final List<HttpTransport> started = new ArrayList<>();
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(HttpTestClient.TIMEOUT).build();

    @AfterEach
    void stop() {
        started.forEach(transport -> transport.stop(Duration.ZERO));
        http.close();
    }

    private HttpTransport start(HttpConfig config, int maxSessions, int perClient, Ticker ticker) throws IOException {
        HttpTransport transport = HttpTransport.start(config, new HttpLimits(64 * 1024, maxSessions, perClient,
                Duration.ofMinutes(30), Duration.ofMillis(50), Duration.ofSeconds(30)),
                (id, sink) -> new McpSession(TestClient.SERVER, registry, McpSession.genericToolErrorMapper(), sink,
                        id),
                ResponseHeaders.NONE, () -> List.of(), ticker);
        started.add(transport);
        return transport;
    }

    private HttpTestClient client(HttpTransport transport, int token) {
        return new HttpTestClient(http, transport.endpoint()).header("Authorization",
                "Bearer " + TOKENS.get(token).reveal());
    }

    @Test
    void aThousandInitializesFromOneTokenLeaveRoomForAnother() throws Exception {
        // A fake ticker: on a slow machine the flood may outlast the half-open grace, and then the token's
        // own stale sessions would be shed for its new ones (still at most 100 held, but more 200s).
        HttpTransport transport = start(WITH_TOKENS, 1000, 100, new FakeTicker());
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> floods = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                floods.add(pool.submit(() -> statuses.computeIfAbsent(client(transport, 0).post(INITIALIZE).status(),
                        status -> new AtomicInteger()).incrementAndGet()));
            }
            for (Future<?> flood : floods) {
                flood.get();
            }
        }
        assertEquals(100, statuses.get(200).get(), "one token holds at most its share: " + statuses);
        assertEquals(900, statuses.get(429).get(), "the rest are told to slow down, not 503 for everyone: " + statuses);
        HttpTestClient other = client(transport, 1);
        other.initialize();
        assertEquals(200, other.call(1, "echo", "{}").status(), "a different token starts and uses a session");
        assertEquals(101, transport.sessionCount());
    }

    @Test
    void aFullTableShedsHalfOpenSessionsFirstThenTheBiggestHoldersIdleOnes() throws Exception {
        FakeTicker ticker = new FakeTicker();
        HttpTransport transport = start(WITH_TOKENS, 4, 3, ticker);
        HttpTestClient alice1 = client(transport, 0);
        alice1.initialize(); // initialize + notifications/initialized: in use
        HttpTestClient alice2 = client(transport, 0);
        alice2.initialize();
        HttpTestClient.Reply bobHalfOpen = client(transport, 1).post(INITIALIZE); // initialize only: half-open
        assertEquals(200, bobHalfOpen.status());
        HttpTestClient alice3 = client(transport, 0);
        alice3.initialize();
        assertEquals(4, transport.sessionCount());

        HttpTestClient.Reply refused = client(transport, 2).post(INITIALIZE);
        assertEquals(503, refused.status(), "every session was used a moment ago: none is shed");
        assertNotNull(refused.header("Retry-After"));

        ticker.advance(SessionTable.HALF_OPEN_SHED_AFTER.plusSeconds(1));
        HttpTestClient carol = client(transport, 2);
        carol.initialize();
        assertEquals(4, transport.sessionCount());
        assertEquals(404,
                new HttpTestClient(transport.endpoint()).header("Authorization", "Bearer " + TOKENS.get(1).reveal())
                        .header("Mcp-Session-Id", bobHalfOpen.header("Mcp-Session-Id"))
                        .header("MCP-Protocol-Version", "2025-06-18")
                        .post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status(),
                "the half-open session was shed");
        for (HttpTestClient alice : List.of(alice1, alice2, alice3)) {
            assertEquals(200, alice.call(1, "echo", "{}").status(), "sessions in use were kept");
        }

        ticker.advance(SessionTable.IDLE_SHED_AFTER.plusSeconds(1));
        assertEquals(200, carol.call(2, "echo", "{}").status());
        HttpTestClient dave = client(transport, 3);
        dave.initialize();
        int aliceLeft = 0;
        for (HttpTestClient alice : List.of(alice1, alice2, alice3)) {
            aliceLeft += alice.call(3, "echo", "{}").status() == 200 ? 1 : 0;
        }
        assertEquals(2, aliceLeft, "an idle session of the biggest holder made room");
        assertEquals(200, carol.call(3, "echo", "{}").status(), "the small holder's recent session stays");
    }

    @Test
    void aClientAtItsCapShedsOnlyItsOwnHalfOpenSessions() throws Exception {
        FakeTicker ticker = new FakeTicker();
        HttpTransport transport = start(WITH_TOKENS, 10, 2, ticker);
        assertEquals(200, client(transport, 0).post(INITIALIZE).status());
        assertEquals(200, client(transport, 0).post(INITIALIZE).status());
        assertEquals(429, client(transport, 0).post(INITIALIZE).status(), "at its cap, with fresh sessions");
        ticker.advance(SessionTable.HALF_OPEN_SHED_AFTER.plusSeconds(1));
        assertEquals(200, client(transport, 0).post(INITIALIZE).status(), "its own half-open session made room");
        assertEquals(2, transport.sessionCount());
    }

    @Test
    void withoutTokensTheAddressIsTheClient() throws Exception {
        HttpTransport transport = start(new HttpConfig("127.0.0.1", 0, List.of(), List.of(), Optional.empty()), 10, 2,
                Ticker.system());
        new HttpTestClient(transport.endpoint()).initialize();
        new HttpTestClient(transport.endpoint()).initialize();
        assertEquals(429, new HttpTestClient(transport.endpoint()).post(INITIALIZE).status());
    }

    @Test
    void threeHundredHalfOpenSocketsDoNotStopANewClient() throws Exception {
        HttpTransport transport = start(WITH_TOKENS, 100, 50, Ticker.system());
        int port = transport.address().getPort();
        List<Socket> halfOpen = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                OutputStream out = socket.getOutputStream();
                // headers promising a body that never comes (and, on every tenth, headers that never end)
                String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
                        + TOKENS.get(0).reveal() + "\r\nContent-Type: application/json\r\n"
                        + (i % 10 == 0 ? "X-Slow: " : "Content-Length: 100\r\n\r\n{\"jsonrpc\":");
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                halfOpen.add(socket);
            }
            HttpTestClient other = client(transport, 1);
            other.initialize();
            assertEquals(200, other.call(1, "echo", "{}").status());
            assertEquals(1, transport.sessionCount());
            assertEquals("30", System.getProperty(HttpTransport.MAX_REQUEST_TIME_PROPERTY),
                    "the JDK server closes a connection whose request is not whole within the read timeout");
        } finally {
            for (Socket socket : halfOpen) {
                socket.close();
            }
        }
    }

    @Test
    void boundsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(1024, 10, 11, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(30)));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(1024, 10, 0, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(30)));
        assertThrows(IllegalArgumentException.class, () -> new HttpLimits(1024, 10, 5, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofMillis(500)));
        assertTrue(new HttpLimits(1024, 10, 10, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1))
                .maxSessionsPerClient() == 10);
    }
}
