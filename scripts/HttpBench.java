import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code execute_sql} over the MCP Streamable HTTP transport: starts the real
 * {@code bin/pg-mcp} with {@code server.transport: http} on a free loopback port (rate limiting, audit
 * and metrics off), then for each client count opens that many sessions (POST /mcp {@code initialize}
 * → {@code Mcp-Session-Id}, POST {@code notifications/initialized} → 202) and lets every client call
 * {@code tools/call execute_sql} in a closed loop, one request at a time, for WARMUP + SECONDS seconds.
 * Each client asks for its own row ({@code items.id = 1 + 97 * k}) and checks that the answer holds it
 * (no cross-talk). Answers may be {@code application/json} or a {@code text/event-stream} whose
 * {@code data:} line carries the JSON-RPC response; both are read. Sessions are ended with DELETE.
 *
 * <p>Prints a table and one JSON line per client count: throughput (successful calls per second in the
 * timed window), p50/p90/p99/max latency, errors (every failed call, warm-up and set-up included).
 * When the server refuses to start (the transport is not built, or the config is refused), prints
 * one JSON line {@code "available":false} with the server's message and exits 0: no number is made up.
 * Usage: {@code java scripts/HttpBench.java IMAGE_DIR WORK_DIR PG_PORT DB USER SECONDS WARMUP CLIENTS...}.
 */
public final class HttpBench {
    private static final String PROTOCOL_VERSION = "2025-06-18";
    private static final String SQL = "SELECT id, name, price FROM items WHERE id = ";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI endpoint;
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

    private HttpBench(HttpClient http, URI endpoint) {
        this.http = http;
        this.endpoint = endpoint;
    }

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int pgPort = Integer.parseInt(args[2]);
        String db = args[3];
        String user = args[4];
        double seconds = Double.parseDouble(args[5]);
        double warmup = Double.parseDouble(args[6]);
        List<Integer> clientCounts = new ArrayList<>();
        for (int i = 7; i < args.length; i++) {
            clientCounts.add(Integer.parseInt(args[i]));
        }
        if (clientCounts.isEmpty()) {
            clientCounts = List.of(8, 64);
        }

        int port = freePort();
        Path config = work.resolve("http.yaml");
        Files.writeString(config, """
                databases:
                  - name: %3$s
                    url: postgresql://%4$s@127.0.0.1:%1$d/%3$s
                    access_policy:
                      allowed_schemas: [public]
                server:
                  transport: http
                  http:
                    host: 127.0.0.1
                    port: %2$d
                observability:
                  metrics:
                    enabled: false
                audit:
                  enabled: false
                rate_limit:
                  enabled: false          # thousands of calls per minute: the limiter would refuse them
                """.formatted(pgPort, port, db, user));
        Path stderrLog = work.resolve("http.stderr.log");
        ProcessBuilder builder = new ProcessBuilder(image.resolve("bin/pg-mcp").toString(), "--config", config.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(k -> k.startsWith("PG_MCP_") && !k.equals("PG_MCP_JAVA_OPTS"));
        Process process = builder.start(); // stdin stays open: EOF is not how an HTTP server is told to stop
        try {
            Optional<String> refused = awaitListening(process, port, stderrLog);
            if (refused.isPresent()) {
                unavailable(refused.get());
                return;
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpBench bench = new HttpBench(http, URI.create("http://127.0.0.1:" + port + "/mcp"));
            System.out.printf(Locale.ROOT, "%-44s %9s %8s %8s %8s %8s %7s%n", "measure (" + fmt(warmup) + " s warm-up + "
                    + fmt(seconds) + " s)", "calls/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
            List<String> jsons = new ArrayList<>();
            for (int clients : clientCounts) {
                jsons.add(bench.level(clients, seconds, warmup));
            }
            System.out.println("target: throughput reported, no errors");
            if (!bench.errors.isEmpty()) {
                System.out.println("errors by kind: " + new TreeMap<>(bench.errors));
            }
            jsons.forEach(System.out::println);
        } finally {
            process.destroy(); // SIGTERM: drain and exit
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Empty once the port accepts connections; the server's own words when it exits first or never listens. */
    private static Optional<String> awaitListening(Process process, int port, Path stderrLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return Optional.of(ServerLog.lastError(stderrLog, "exited with status " + process.exitValue() + " before listening"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return Optional.empty();
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        return Optional.of(ServerLog.lastError(stderrLog, "did not listen on 127.0.0.1:" + port + " within 30 s"));
    }

    private static void unavailable(String reason) {
        System.out.println("http: not available (" + reason + ")");
        System.out.printf(Locale.ROOT, "{\"measure\":\"http_execute_sql\",\"available\":false,\"reason\":\"%s\"}%n", JsonText.escape(reason));
    }

    /** One client count: sessions, a closed loop per client, then DELETE. Returns the JSON line. */
    private String level(int clients, double seconds, double warmup) throws Exception {
        List<String> sessions = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            try {
                sessions.add(open());
            } catch (Exception e) {
                error("initialize: " + e.getMessage());
            }
        }
        long[][][] samples = new long[sessions.size()][][];
        CountDownLatch done = new CountDownLatch(sessions.size());
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long timedFrom = start + (long) (warmup * 1e9);
        long end = timedFrom + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < sessions.size(); k++) {
            int client = k;
            String session = sessions.get(k);
            threads.add(Thread.ofPlatform().name("http-client-" + k).start(() -> {
                try {
                    samples[client] = loop(session, 1 + 97 * client, start, end);
                } finally {
                    done.countDown();
                }
            }));
        }
        done.await();
        for (String session : sessions) {
            close(session);
        }
        List<Double> millis = new ArrayList<>();
        long failed = 0;
        for (long[][] s : samples) {
            for (long[] call : s) {
                if (call[2] == 0) {
                    failed++;
                } else if (call[0] >= timedFrom && call[1] <= end) {
                    millis.add((call[1] - call[0]) / 1e6);
                }
            }
        }
        failed += clients - sessions.size();
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double throughput = sorted.length / seconds;
        String name = clients + " concurrent clients (own sessions)";
        if (sorted.length == 0) {
            System.out.printf(Locale.ROOT, "%-44s %9s %8s %8s %8s %8s %7d%n", name, "-", "-", "-", "-", "-", failed);
            return String.format(Locale.ROOT, "{\"measure\":\"http_execute_sql\",\"available\":true,\"clients\":%d,\"sessions\":%d,"
                    + "\"seconds\":%s,\"calls\":0,\"errors\":%d,\"error_kinds\":\"%s\"}", clients, sessions.size(), fmt(seconds), failed,
                    JsonText.escape(new TreeMap<>(errors).toString()));
        }
        System.out.printf(Locale.ROOT, "%-44s %9.0f %8.3f %8.3f %8.3f %8.3f %7d%n", name, throughput, pct(sorted, 50),
                pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1], failed);
        return String.format(Locale.ROOT, "{\"measure\":\"http_execute_sql\",\"available\":true,\"clients\":%d,\"sessions\":%d,"
                + "\"seconds\":%s,\"calls\":%d,\"throughput_per_s\":%.1f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
                + "\"errors\":%d}", clients, sessions.size(), fmt(seconds), sorted.length, throughput, pct(sorted, 50),
                pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1], failed);
    }

    /** Calls until {@code end}; each sample is {start, end, ok(1)/failed(0)} in nanoseconds. */
    private long[][] loop(String session, int rowId, long start, long end) {
        for (long wait = start - System.nanoTime(); wait > 0; wait = start - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        List<long[]> samples = new ArrayList<>();
        String marker = "item " + rowId + "\"";
        String params = "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"" + SQL + rowId + "\"}}";
        int id = 1;
        while (System.nanoTime() < end) {
            id++;
            long t0 = System.nanoTime();
            boolean ok = false;
            try {
                String answer = request(session, id, "tools/call", params);
                if (answer.contains("\"isError\":true") || !answer.contains("\"success\":true")) {
                    error("tool error: " + abbreviate(answer, 160));
                } else if (!answer.contains(marker)) {
                    error("cross-talk: answer without its own row");
                } else {
                    ok = true;
                }
            } catch (Exception e) {
                error(e.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(e.getMessage()), 160));
            }
            samples.add(new long[] {t0, System.nanoTime(), ok ? 1 : 0});
        }
        return samples.toArray(long[][]::new);
    }

    /** initialize + notifications/initialized; returns the session id. */
    private String open() throws Exception {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + PROTOCOL_VERSION + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"pg-mcp-bench\",\"version\":\"1\"}}}";
        HttpResponse<String> response = http.send(post(null, init), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("status " + response.statusCode() + ": " + abbreviate(response.body(), 200));
        }
        String answer = json(response, 1);
        if (!answer.contains("\"protocolVersion\"")) {
            throw new IOException("unexpected answer: " + abbreviate(answer, 200));
        }
        String session = response.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new IOException("no Mcp-Session-Id header in the initialize answer"));
        HttpResponse<String> initialized = http.send(post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                HttpResponse.BodyHandlers.ofString());
        if (initialized.statusCode() != 202) {
            throw new IOException("notifications/initialized answered " + initialized.statusCode() + " (expected 202)");
        }
        return session;
    }

    private void close(String session) {
        try {
            http.send(HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT).DELETE().header("Mcp-Session-Id", session)
                    .header("MCP-Protocol-Version", PROTOCOL_VERSION).build(), HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            error("DELETE: " + e.getClass().getSimpleName());
        }
    }

    private String request(String session, int id, String method, String params) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}";
        HttpResponse<String> response = http.send(post(session, body), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("status " + response.statusCode());
        }
        return json(response, id);
    }

    private HttpRequest post(String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", PROTOCOL_VERSION);
        }
        return b.build();
    }

    /** The JSON-RPC response with this id: the body itself, or the SSE event whose data carries it. */
    private static String json(HttpResponse<String> response, int id) throws IOException {
        String type = response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("text/event-stream")) {
            return response.body();
        }
        StringBuilder data = new StringBuilder();
        for (String line : (response.body() + "\n\n").split("\r?\n", -1)) {
            if (line.isEmpty()) { // end of an event
                String event = data.toString();
                if (isResponse(event, id)) {
                    return event;
                }
                data.setLength(0);
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
            }
        }
        throw new IOException("no response with id " + id + " in the event stream");
    }

    private static boolean isResponse(String json, int id) {
        return (json.contains("\"result\"") || json.contains("\"error\""))
                && (json.contains("\"id\":" + id + ",") || json.contains("\"id\":" + id + "}"));
    }

    private void error(String kind) {
        errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static double pct(double[] sorted, double p) {
        int index = (int) Math.ceil(sorted.length * p / 100.0) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String abbreviate(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }
}
