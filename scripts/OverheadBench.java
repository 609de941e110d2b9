import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The added cost of observability per {@code execute_sql} call over stdio: five
 * pg-mcp processes run side by side on the same database — everything off (the baseline), metrics on
 * (a free loopback port), tracing on at sample_rate 1.0 (OTLP http/protobuf to an in-bench sink: a JDK
 * HttpServer answering 200 to POST /v1/traces), audit on (a file in a temp directory), and all three —
 * and receive the same fixed, EXPLAIN-cached query in turn, in blocks of {@link #BLOCK} calls, one call
 * at a time, so that load on the shared host falls on all of them alike. Reports each variant's p50 and
 * p99 and the added µs per call and % of the baseline p50 (target: under 10 %). A sixth server with the
 * baseline's config (A/A) shows the noise floor, and every difference is also given per fifth of the
 * run (its range: how much it moves while the run goes on).
 *
 * <p>Every variant is checked for doing its work: the metrics endpoint must answer with
 * {@code pg_mcp_requests_total}, the sink must receive spans, the audit file must hold a line per call.
 * A variant whose config the server refuses, or that does not do its work (e.g. a build without the
 * tracing exporter, which accepts the config and exports nothing), is reported "not available" with
 * the reason instead of a number. Usage: {@code java scripts/OverheadBench.java IMAGE_DIR WORK_DIR
 * PG_PORT DB USER [CALLS] [WARMUP]}.
 */
public final class OverheadBench {
    private static final String SQL = "SELECT id, name, price FROM items WHERE id = 4242";
    private static final String PARAMS = "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"" + SQL + "\"}}";
    private static final int BLOCK = 10;

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]).resolve("overhead"));
        int pgPort = Integer.parseInt(args[2]);
        String db = args[3];
        String user = args[4];
        int calls = args.length > 5 ? Integer.parseInt(args[5]) : 5_000;
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 2_000;

        Sink sink = Sink.start(); // one receiver per traced variant: each must export on its own
        Sink allSink = Sink.start();
        int metricsPort = freePort();
        int allMetricsPort = freePort();
        Path auditDir = Files.createDirectories(work.resolve("audit"));
        String base = """
                databases:
                  - name: %2$s
                    url: postgresql://%3$s@127.0.0.1:%1$d/%2$s
                    access_policy:
                      allowed_schemas: [public]
                rate_limit:
                  enabled: false
                """.formatted(pgPort, db, user);
        String metricsOff = "  metrics:\n    enabled: false\n";
        String tracingOn = tracing(sink.port());
        String auditOff = "audit:\n  enabled: false\n";
        String auditOn = "audit:\n  enabled: true\n  storage: file\n  file_path: " + auditDir.resolve("audit.jsonl") + "\n";
        String allAudit = "audit:\n  enabled: true\n  storage: file\n  file_path: " + auditDir.resolve("all-audit.jsonl") + "\n";

        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("off", new Variant("everything off (baseline)", base + "observability:\n" + metricsOff + auditOff));
        variants.put("off2", new Variant("everything off, a second server (A/A: the noise floor)",
                base + "observability:\n" + metricsOff + auditOff));
        variants.put("metrics", new Variant("metrics on", base + "observability:\n" + metrics(metricsPort) + auditOff));
        variants.put("tracing", new Variant("tracing on, sample_rate 1.0", base + "observability:\n" + metricsOff + tracingOn + auditOff));
        variants.put("audit", new Variant("audit on (file)", base + "observability:\n" + metricsOff + auditOn));
        for (Map.Entry<String, Variant> e : variants.entrySet()) {
            e.getValue().start(image, work, e.getKey());
        }
        Variant tracing = variants.get("tracing");
        // all three; without tracing when the server refused tracing alone (the rest is still worth knowing)
        boolean allWithTracing = tracing.client != null;
        Variant all = new Variant(allWithTracing ? "metrics + tracing + audit" : "metrics + audit (tracing refused)",
                base + "observability:\n" + metrics(allMetricsPort) + (allWithTracing ? tracing(allSink.port()) : "") + allAudit);
        variants.put("all", all);
        all.start(image, work, "all");
        Variant baseline = variants.get("off");
        if (baseline.client == null) {
            throw new IllegalStateException("the baseline pg-mcp did not start: " + baseline.reason);
        }
        List<Variant> running = new ArrayList<>(variants.values().stream().filter(v -> v.client != null).toList());
        for (Variant v : running) {
            v.millis = new double[calls];
        }

        // interleaved: every variant gets BLOCK calls in turn; one that fails leaves the rotation (the baseline may not)
        int total = warmup + calls;
        for (int done = 0; done < total; done += BLOCK) {
            for (Variant v : List.copyOf(running)) {
                for (int i = done; i < Math.min(total, done + BLOCK); i++) {
                    long start = System.nanoTime();
                    String answer = v.client.call("tools/call", PARAMS);
                    long end = System.nanoTime();
                    if (answer == null || answer.contains("\"isError\":true") || !answer.contains("\"success\":true")) {
                        String why = "call " + i + " failed: " + (answer == null ? "pg-mcp exited" : abbreviate(answer));
                        if (v == baseline) {
                            throw new IllegalStateException(v.name + ": " + why);
                        }
                        v.unavailable(why);
                        running.remove(v);
                        break;
                    }
                    if (i >= warmup) {
                        v.millis[i - warmup] = (end - start) / 1e6;
                    }
                }
            }
        }
        int expectedCalls = total + 1; // + the check call at start
        // checks that need the process alive, then an orderly stop (flushes audit and traces)
        checkMetrics(variants.get("metrics"), metricsPort);
        checkMetrics(all, allMetricsPort);
        for (Variant v : variants.values()) {
            if (v.client != null) {
                v.client.close();
            }
        }
        sink.stop();
        allSink.stop();
        long spans = sink.requests.get();
        if (tracing.reason == null && spans == 0) {
            tracing.unavailable("the config is accepted, but no export reached the OTLP sink during " + expectedCalls
                    + " sampled calls and shutdown (this build has no tracing exporter?)");
        } else if (tracing.reason == null) {
            tracing.check = "OTLP sink: " + spans + " export(s), " + sink.bytes.get() + " bytes";
        }
        if (allWithTracing && allSink.requests.get() == 0) {
            all.name = "metrics + audit (+ tracing configured, nothing exported)";
        } else if (allWithTracing) {
            all.check = (all.check == null ? "" : all.check + "; ") + "OTLP sink: " + allSink.requests.get() + " export(s)";
        }
        checkAudit(variants.get("audit"), auditDir.resolve("audit.jsonl"), expectedCalls);
        checkAudit(all, auditDir.resolve("all-audit.jsonl"), expectedCalls);

        double baseP50 = pct(baseline.millis, 50);
        System.out.printf(Locale.ROOT, "%-58s %8s %8s %10s %8s  %s%n", "measure (" + calls + " calls each, interleaved, fixed SQL)",
                "p50 ms", "p99 ms", "added us", "% of p50", "range over 5 fifths, us");
        List<String> jsons = new ArrayList<>();
        for (Map.Entry<String, Variant> e : variants.entrySet()) {
            Variant v = e.getValue();
            String key = e.getKey();
            if (v.reason != null) {
                System.out.printf(Locale.ROOT, "%-58s not available (%s)%n", v.name, v.reason);
                jsons.add(String.format(Locale.ROOT, "{\"measure\":\"overhead_execute_sql\",\"variant\":\"%s\",\"name\":\"%s\","
                        + "\"available\":false,\"reason\":\"%s\"}", key, JsonText.escape(v.name), JsonText.escape(v.reason)));
                continue;
            }
            double p50 = pct(v.millis, 50);
            double addedUs = (p50 - baseP50) * 1000;
            double addedPct = 100 * (p50 - baseP50) / baseP50;
            double[] range = fifths(v.millis, baseline.millis);
            if (v == baseline) {
                System.out.printf(Locale.ROOT, "%-58s %8.3f %8.3f %10s %8s%n", v.name, p50, pct(v.millis, 99), "-", "-");
            } else {
                System.out.printf(Locale.ROOT, "%-58s %8.3f %8.3f %+10.1f %+7.1f%%  %+.0f .. %+.0f%n", v.name, p50, pct(v.millis, 99),
                        addedUs, addedPct, range[0], range[1]);
            }
            jsons.add(String.format(Locale.ROOT, "{\"measure\":\"overhead_execute_sql\",\"variant\":\"%s\",\"name\":\"%s\","
                    + "\"available\":true,\"calls\":%d,\"p50\":%.3f,\"p99\":%.3f,\"baseline_p50\":%.3f,\"added_us\":%.1f,"
                    + "\"added_pct\":%.1f,\"added_us_min_fifth\":%.1f,\"added_us_max_fifth\":%.1f,\"check\":\"%s\"}", key,
                    JsonText.escape(v.name), calls, p50, pct(v.millis, 99), baseP50, addedUs, addedPct, range[0], range[1],
                    JsonText.escape(v.check == null ? "" : v.check)));
        }
        System.out.printf(Locale.ROOT, "target: added cost under 10 %% of the baseline p50; OTLP sinks received %d + %d export(s)%n",
                spans, allSink.requests.get());
        jsons.forEach(System.out::println);
    }

    /** min and max over the five fifths of the run of (p50 of v - p50 of the baseline), in µs. */
    private static double[] fifths(double[] v, double[] baseline) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        int n = v.length / 5;
        for (int f = 0; f < 5 && n > 0; f++) {
            double d = (pct(Arrays.copyOfRange(v, f * n, (f + 1) * n), 50) - pct(Arrays.copyOfRange(baseline, f * n, (f + 1) * n), 50)) * 1000;
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        return n > 0 ? new double[] {min, max} : new double[] {0, 0};
    }

    private static String tracing(int port) {
        return "  tracing:\n    enabled: true\n    endpoint: http://127.0.0.1:" + port + "\n"
                + "    protocol: http/protobuf\n    sample_rate: 1.0\n";
    }

    private static String metrics(int port) {
        return "  metrics:\n    enabled: true\n    host: 127.0.0.1\n    port: " + port + "\n";
    }

    private static void checkMetrics(Variant v, int port) throws Exception {
        if (v.client == null || v.reason != null) {
            return;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("(?m)^pg_mcp_requests_total\\{[^}]*\\} ([0-9.eE+]+)").matcher(r.body());
            double counted = 0;
            while (m.find()) {
                counted += Double.parseDouble(m.group(1));
            }
            if (r.statusCode() != 200 || counted == 0) {
                v.unavailable("the metrics endpoint answered " + r.statusCode() + " without a pg_mcp_requests_total count");
            } else {
                v.check = String.format(Locale.ROOT, "scrape: pg_mcp_requests_total %.0f", counted);
            }
        } catch (IOException e) {
            v.unavailable("the metrics endpoint on 127.0.0.1:" + port + " did not answer: " + e.getMessage());
        }
    }

    private static void checkAudit(Variant v, Path file, int expected) throws IOException {
        if (v.client == null || v.reason != null) {
            return;
        }
        long lines = 0;
        if (Files.exists(file)) {
            try (Stream<String> s = Files.lines(file)) {
                lines = s.filter(l -> !l.isBlank()).count();
            }
        }
        if (lines < expected) {
            v.unavailable("the audit file holds " + lines + " events for " + expected + " calls");
        } else {
            v.check = (v.check == null ? "" : v.check + "; ") + "audit: " + lines + " events";
        }
    }

    /** One configuration of pg-mcp: its client while running, its timings, or why it is not available. */
    private static final class Variant {
        String name;
        final String config;
        Stdio client;
        double[] millis;
        String reason;
        String check;

        Variant(String name, String config) {
            this.name = name;
            this.config = config;
        }

        void start(Path image, Path work, String key) throws Exception {
            Path file = work.resolve(key + ".yaml");
            Files.writeString(file, config);
            Path stderrLog = work.resolve(key + ".stderr.log");
            ProcessBuilder builder = new ProcessBuilder(image.resolve("bin/pg-mcp").toString(), "--config", file.toString())
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
            builder.environment().keySet().removeIf(k -> k.startsWith("PG_MCP_") && !k.equals("PG_MCP_JAVA_OPTS"));
            Stdio stdio = new Stdio(builder.start());
            String init = stdio.call("initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"pg-mcp-bench\",\"version\":\"1\"}}");
            if (init == null) {
                stdio.process.waitFor(10, TimeUnit.SECONDS);
                reason = ServerLog.lastError(stderrLog, "pg-mcp exited before answering initialize");
                return;
            }
            stdio.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
            String check = stdio.call("tools/call", PARAMS);
            if (check == null || !check.contains("\"success\":true")) {
                reason = "execute_sql failed: " + (check == null ? "pg-mcp exited" : abbreviate(check)) + " (log: " + stderrLog + ")";
                stdio.close();
                return;
            }
            client = stdio;
        }

        void unavailable(String why) {
            reason = why;
        }
    }

    /** pg-mcp over stdio: one request at a time, skipping notifications. */
    private static final class Stdio {
        final Process process;
        final OutputStream in;
        final BufferedReader out;
        int nextId = 1;

        Stdio(Process process) {
            this.process = process;
            this.in = process.getOutputStream();
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
        }

        /** The response line, or null when pg-mcp closed its output. */
        String call(String method, String params) throws IOException {
            int id = nextId++;
            try {
                send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}\n");
            } catch (IOException closed) {
                return null;
            }
            String idField = "\"id\":" + id + ",";
            String idFieldEnd = "\"id\":" + id + "}";
            while (true) {
                String line = out.readLine();
                if (line == null || line.contains(idField) || line.endsWith(idFieldEnd)) {
                    return line;
                }
            }
        }

        void send(String message) throws IOException {
            in.write(message.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        void close() throws Exception {
            try {
                in.close();
            } catch (IOException alreadyGone) {
                // the process exited: nothing to tell it
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** An OTLP/HTTP receiver that only counts: 200 with an empty ExportTraceServiceResponse for POST /v1/traces. */
    private record Sink(HttpServer server, AtomicLong requests, AtomicLong bytes) {
        static Sink start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            AtomicLong requests = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            server.createContext("/", exchange -> {
                try (exchange; InputStream body = exchange.getRequestBody()) {
                    long n = body.transferTo(OutputStream.nullOutputStream());
                    if (exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().equals("/v1/traces")) {
                        requests.incrementAndGet();
                        bytes.addAndGet(n);
                        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                        exchange.sendResponseHeaders(200, -1);
                    } else {
                        exchange.sendResponseHeaders(404, -1);
                    }
                }
            });
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.start();
            return new Sink(server, requests, bytes);
        }

        int port() {
            return server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdown();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static double pct(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(sorted.length * p / 100.0) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
