package io.pgmcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fetching from authorization servers: what is refused, and that nothing waits past the timeout. */
class JsonFetcherTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpServer server = server();

    private HttpServer server() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            s.createContext("/ok", e -> reply(e, 200, "{\"a\": 1}"));
            s.createContext("/array", e -> reply(e, 200, "[1]"));
            s.createContext("/duplicate", e -> reply(e, 200, "{\"a\": 1, \"a\": 2}"));
            s.createContext("/missing", e -> reply(e, 404, "{}"));
            s.createContext("/moved", e -> {
                e.getResponseHeaders().set("Location", "/ok");
                e.sendResponseHeaders(302, -1);
                e.close();
            });
            s.createContext("/huge", e -> {
                e.sendResponseHeaders(200, 0);
                try (OutputStream out = e.getResponseBody()) {
                    out.write('"');
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    for (int i = 0; i < 64; i++) {
                        out.write(chunk);
                    }
                } catch (IOException ignored) {
                    // the client hung up, as it should
                }
            });
            s.createContext("/slow", e -> {
                e.sendResponseHeaders(200, 0);
                try (OutputStream out = e.getResponseBody()) {
                    out.write('{');
                    out.flush();
                    release.await();
                } catch (IOException | InterruptedException ignored) {
                    // released at the end of the test
                }
            });
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            s.start();
            return s;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static JsonFetcher fetcher(HttpClient.Redirect redirects) {
        return fetcher(redirects, Duration.ofSeconds(15));
    }

    private static JsonFetcher fetcher(HttpClient.Redirect redirects, Duration timeout) {
        return new JsonFetcher(HttpClient.newBuilder().followRedirects(redirects).build(), timeout);
    }

    @Test
    void fetchesAJsonObject() throws IOException {
        assertEquals(1, fetcher(HttpClient.Redirect.NEVER).get(uri("/ok")).get("a").intValue());
    }

    @Test
    void refusesOtherStatusesNonObjectsAndDuplicateKeys() {
        JsonFetcher fetcher = fetcher(HttpClient.Redirect.NEVER);
        assertTrue(assertThrows(IOException.class, () -> fetcher.get(uri("/missing"))).getMessage()
                .endsWith("HTTP status 404 (200 expected)"));
        assertTrue(assertThrows(IOException.class, () -> fetcher.get(uri("/array"))).getMessage()
                .endsWith("the answer is not a JSON object"));
        assertThrows(IOException.class, () -> fetcher.get(uri("/duplicate")));
        assertThrows(IOException.class, () -> fetcher.get(uri("/moved")));
    }

    @Test
    void refusesARedirectEvenWhenTheClientFollowsIt() {
        IOException e = assertThrows(IOException.class,
                () -> fetcher(HttpClient.Redirect.NORMAL).get(uri("/moved")));
        assertTrue(e.getMessage().endsWith("answered with a redirect, which is not followed"), e.getMessage());
    }

    @Test
    void stopsReadingABodyOverOneMebibyte() {
        IOException e = assertThrows(IOException.class, () -> fetcher(HttpClient.Redirect.NEVER).get(uri("/huge")));
        assertTrue(e.getMessage().contains("body longer than 1048576 bytes"), e.getMessage());
    }

    @Test
    void givesUpOnABodyThatNeverEnds() {
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(IOException.class,
                () -> fetcher(HttpClient.Redirect.NEVER, Duration.ofSeconds(1)).get(uri("/slow"))));
        assertTrue(e.getMessage().endsWith("no complete answer within 1000 ms"), e.getMessage());
    }

    @Test
    void unreachableServerIsAnIOException() throws IOException {
        HttpServer closed = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = closed.getAddress().getPort();
        closed.stop(0);
        assertThrows(IOException.class,
                () -> fetcher(HttpClient.Redirect.NEVER).get(URI.create("http://127.0.0.1:" + port + "/x")));
    }
}
