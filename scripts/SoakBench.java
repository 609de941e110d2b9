import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Soak (resilience under faults; a benchmark, not a test): the real {@code bin/pg-mcp} over stdio, pointed at a
 * small TCP proxy in front of PostgreSQL, answers {@code CALLS} mixed {@code execute_sql} calls (point
 * lookups, ranges, aggregates, and denied ones: a denied column, a write, a division by zero) while
 * about 1 % of the calls get an injected fault: every proxied connection is cut just before or just
 * after the call is sent (a cut that lands after its call has ended hits the next call, counted as
 * one without a fault). It prints the outcomes by error code, latency percentiles, pg-mcp's RSS
 * (idle, after a warm-up without faults, at the end) and its live heap after a full GC at start and
 * end (by {@code jcmd}, when the JDK running this program has it), and pg-mcp's connections at the
 * end; then a recovery check on the same process: a network stall longer than a call's bound, and a
 * PostgreSQL restart, each with the time from the end of the fault to the first successful call.
 *
 * <p>RSS growth is judged from the end of the warm-up: before it, the JVM has not yet touched all of
 * its young generation once (about 100 MB with the image's flags on a 24 GB host), which is heap
 * sizing, not growth. {@code PG_MCP_JAVA_OPTS} is passed on to pg-mcp, to try other heap settings.
 *
 * <p>Usage: {@code java -cp "IMAGE/app/*" SoakBench.java IMAGE WORKDIR PG_PORT DBNAME USER CALLS [STALL_SECONDS [WARMUP]] -- RESTART_COMMAND...}
 * (the database must hold the table {@code items} that {@code scripts/bench soak} creates).
 */
public final class SoakBench {
    private static final double FAULT_RATE = 0.01;
    private static final long RSS_GROWTH_LIMIT_KB = 50 * 1024;
    private static final Pattern ERROR_CODE = Pattern.compile("\"error_code\":\"([A-Z_]+)\"");
    private static final int ROWS = 5_000;

    private final Process process;
    private final OutputStream in;
    private final BufferedReader out;
    private int nextId = 1;

    private SoakBench(Process process) {
        this.process = process;
        this.in = process.getOutputStream();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
    }

    public static void main(String[] args) throws Exception {
        String image = args[0];
        Path work = Path.of(args[1]);
        int pgPort = Integer.parseInt(args[2]);
        String dbname = args[3];
        String user = args[4];
        int calls = Integer.parseInt(args[5]);
        int dashes = Arrays.asList(args).indexOf("--");
        int positional = dashes < 0 ? args.length : dashes;
        int stallSeconds = positional > 6 ? Integer.parseInt(args[6]) : 12;
        int warmup = positional > 7 ? Integer.parseInt(args[7]) : 3_000;
        List<String> restartCommand = dashes < 0 ? List.of() : List.of(args).subList(dashes + 1, args.length);

        try (Proxy proxy = new Proxy(pgPort)) {
            Path config = work.resolve("soak.yaml");
            Files.writeString(config, """
                    databases:
                      - name: soak
                        url: postgresql://%s@127.0.0.1:%d/%s
                        min_pool_size: 1
                        max_pool_size: 4
                        access_policy:
                          allowed_schemas: [public]
                          columns:
                            denied: [items.secret]
                    server:
                      query_timeout: 5
                    observability:
                      metrics:
                        enabled: false
                    audit:
                      enabled: false
                    rate_limit:
                      enabled: false
                    """.formatted(user, proxy.port(), dbname));
            File stderrLog = work.resolve("soak.stderr.log").toFile();
            ProcessBuilder builder = new ProcessBuilder(image + "/bin/pg-mcp", "--config", config.toString())
                    .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog));
            builder.environment().keySet().removeIf(k -> k.startsWith("PG_MCP_") && !k.equals("PG_MCP_JAVA_OPTS"));
            SoakBench client = new SoakBench(builder.start());
            long pid = client.process.pid();
            try {
                client.handshake();
                long rssIdle = rssKb(pid);
                Random warm = new Random(7);
                for (int i = 0; i < warmup; i++) { // not counted, no faults
                    client.call(sqlFor(i, warm).sql());
                }
                long rssStart = rssKb(pid);
                String heapStart = liveHeap(pid);
                Map<String, Integer> outcomes = new TreeMap<>();
                double[] millis = new double[calls];
                List<Double> faultFree = new ArrayList<>();
                Random random = new Random(42);
                int faults = 0;
                long soakStart = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    Shape shape = sqlFor(i, random);
                    boolean fault = random.nextDouble() < FAULT_RATE;
                    Thread cutter = null;
                    if (fault) {
                        faults++;
                        if (random.nextBoolean()) {
                            proxy.cutAll();
                        } else {
                            long delayMicros = random.nextInt(2_000);
                            cutter = Thread.ofVirtual().start(() -> {
                                try {
                                    TimeUnit.MICROSECONDS.sleep(delayMicros);
                                } catch (InterruptedException e) {
                                    return;
                                }
                                proxy.cutAll();
                            });
                        }
                    }
                    long start = System.nanoTime();
                    String answer = client.call(shape.sql());
                    millis[i] = (System.nanoTime() - start) / 1e6;
                    if (cutter != null) {
                        cutter.join();
                    }
                    if (!fault) {
                        faultFree.add(millis[i]);
                    }
                    outcomes.merge(outcome(answer), 1, Integer::sum);
                }
                double soakSeconds = (System.nanoTime() - soakStart) / 1e9;
                long rssEnd = rssKb(pid);
                String heapEnd = liveHeap(pid);
                Connections connections = connections(pgPort, dbname, user);

                System.out.printf(Locale.ROOT, "%d calls in %.1f s, %d with an injected fault (connections cut before or "
                        + "during the call)%n", calls, soakSeconds, faults);
                System.out.printf(Locale.ROOT, "%-34s %s%n", "outcomes by code", outcomes);
                double[] clean = faultFree.stream().mapToDouble(Double::doubleValue).toArray();
                System.out.printf(Locale.ROOT, "%-34s p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.1f ms%n", "latency, all calls",
                        pct(millis, 50), pct(millis, 90), pct(millis, 99), pct(millis, 100));
                System.out.printf(Locale.ROOT, "%-34s p50 %.3f ms, p99 %.3f ms, max %.1f ms%n", "latency, calls without a fault",
                        pct(clean, 50), pct(clean, 99), pct(clean, 100));
                long growth = rssEnd - rssStart;
                System.out.printf(Locale.ROOT, "%-34s idle %.1f MB; after %d warm-up calls (start) %.1f MB; end %.1f MB; "
                        + "growth start -> end %.1f MB (limit 50 MB: %s), idle -> end %.1f MB%n", "pg-mcp RSS", rssIdle / 1024.0,
                        warmup, rssStart / 1024.0, rssEnd / 1024.0, growth / 1024.0, growth < RSS_GROWTH_LIMIT_KB ? "ok" : "EXCEEDED",
                        (rssEnd - rssIdle) / 1024.0);
                System.out.printf(Locale.ROOT, "%-34s start %s, end %s%n", "pg-mcp live heap after a full GC", heapStart, heapEnd);
                System.out.printf(Locale.ROOT, "%-34s %d open (%d idle, %d active) on the server, %d through the proxy; "
                        + "max_pool_size 4%n", "pg-mcp connections at the end", connections.total(), connections.idle(),
                        connections.active(), proxy.openConnections());
                LogCounts logs = logCounts(stderrLog.toPath());
                System.out.printf(Locale.ROOT, "%-34s %d retries, %d times unavailable, %d recoveries%n", "pg-mcp log",
                        logs.retries(), logs.outages(), logs.recoveries());

                Recovery stall = client.stall(proxy, stallSeconds);
                System.out.printf(Locale.ROOT, "%-34s %s%n", "network stall of " + stallSeconds + " s", stall);
                Recovery restart = restartCommand.isEmpty() ? null : client.restart(restartCommand, work);
                if (restart != null) {
                    System.out.printf(Locale.ROOT, "%-34s %s%n", "PostgreSQL restart", restart);
                }
                Connections after = connections(pgPort, dbname, user);
                System.out.printf(Locale.ROOT, "%-34s %d open (%d idle, %d active); same pg-mcp process %d, alive: %s%n",
                        "pg-mcp connections after recovery", after.total(), after.idle(), after.active(), pid,
                        client.process.isAlive());

                StringBuilder codes = new StringBuilder();
                outcomes.forEach((code, n) -> codes.append(codes.isEmpty() ? "" : ",").append('"').append(code).append("\":").append(n));
                System.out.printf(Locale.ROOT, "{\"measure\":\"soak\",\"calls\":%d,\"faults\":%d,\"seconds\":%.1f,\"outcomes\":{%s},"
                                + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.1f,\"p99_ms_without_fault\":%.3f,\"rss_start_mb\":%.1f,"
                                + "\"rss_idle_mb\":%.1f,\"rss_end_mb\":%.1f,\"rss_growth_mb\":%.1f,\"connections_end\":%d,\"connections_active_end\":%d,"
                                + "\"retries_logged\":%d,\"outages_logged\":%d,\"stall_recovery_s\":%.2f%s}%n",
                        calls, faults, soakSeconds, codes, pct(millis, 50), pct(millis, 99), pct(millis, 100), pct(clean, 99),
                        rssStart / 1024.0, rssIdle / 1024.0, rssEnd / 1024.0, growth / 1024.0, connections.total(), connections.active(),
                        logs.retries(), logs.outages(), stall.recoverySeconds(),
                        restart == null ? "" : String.format(Locale.ROOT, ",\"restart_recovery_s\":%.2f", restart.recoverySeconds()));
                if (growth >= RSS_GROWTH_LIMIT_KB || !client.process.isAlive()) {
                    System.exit(1);
                }
            } catch (Exception | AssertionError e) {
                System.err.println("soak failed: " + e + " (pg-mcp's log: " + stderrLog + ")");
                throw e;
            } finally {
                client.in.close();
                if (!client.process.waitFor(15, TimeUnit.SECONDS)) {
                    client.process.destroy();
                    client.process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** One call of the mix. */
    private record Shape(String sql) {
    }

    private static Shape sqlFor(int i, Random random) {
        int id = 1 + random.nextInt(ROWS);
        int pick = random.nextInt(100);
        if (pick < 50) {
            return new Shape("SELECT id, name, price FROM items WHERE id = " + id);
        } else if (pick < 70) {
            return new Shape("SELECT id, name FROM items WHERE id BETWEEN " + id + " AND " + (id + 20) + " ORDER BY id");
        } else if (pick < 85) {
            return new Shape("SELECT category, count(*) AS n, avg(price) AS avg_price FROM items GROUP BY category ORDER BY category");
        } else if (pick < 90) {
            return new Shape("SELECT id, secret FROM items WHERE id = " + id); // denied column
        } else if (pick < 95) {
            return new Shape("DELETE FROM items WHERE id = " + id); // not read-only
        } else {
            return new Shape("SELECT price / (id - id) FROM items WHERE id = " + id); // division by zero, at execution
        }
    }

    private static String outcome(String answer) {
        if (answer.contains("\"success\":true")) {
            return "ok";
        }
        Matcher m = ERROR_CODE.matcher(answer);
        return m.find() ? m.group(1) : "protocol-error";
    }

    /** How a fault ended: calls meanwhile, and the time from the end of the fault to the first success. */
    private record Recovery(double faultSeconds, Map<String, Integer> during, double longestCallSeconds, double recoverySeconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "lasted %.1f s; calls meanwhile %s (longest %.1f s); first success %.2f s after "
                    + "the fault ended", faultSeconds, during, longestCallSeconds, recoverySeconds);
        }
    }

    /**
     * Stalls every proxied connection (bytes held, as TCP would, not dropped) for {@code seconds}, longer
     * than a call's bound (query_timeout 5 s + 5 s margin), calling meanwhile; then heals and calls
     * until one succeeds.
     */
    private Recovery stall(Proxy proxy, int seconds) throws Exception {
        Map<String, Integer> during = new TreeMap<>();
        proxy.stall(true);
        long healAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread healer = Thread.ofVirtual().start(() -> {
            try {
                TimeUnit.NANOSECONDS.sleep(healAt - System.nanoTime());
            } catch (InterruptedException e) {
                return;
            }
            proxy.stall(false);
        });
        double longest = 0;
        while (true) {
            long start = System.nanoTime();
            String outcome = outcome(call("SELECT id, name, price FROM items WHERE id = 7"));
            long end = System.nanoTime();
            longest = Math.max(longest, (end - start) / 1e9);
            if (end - healAt > 0 && outcome.equals("ok")) {
                healer.join();
                return new Recovery(seconds, during, longest, Math.max(0, end - healAt) / 1e9);
            }
            during.merge(outcome, 1, Integer::sum);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Runs the restart command (stop PostgreSQL, wait, start it) while calling; then calls until one succeeds. */
    private Recovery restart(List<String> command, Path work) throws Exception {
        Map<String, Integer> during = new TreeMap<>();
        long began = System.nanoTime();
        Process restart = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("soak.restart.log").toFile()).start();
        double longest = 0;
        long restartedAt = 0;
        while (true) {
            long start = System.nanoTime();
            String outcome = outcome(call("SELECT id, name, price FROM items WHERE id = 7"));
            long end = System.nanoTime();
            longest = Math.max(longest, (end - start) / 1e9);
            if (restartedAt == 0 && !restart.isAlive()) {
                if (restart.exitValue() != 0) {
                    throw new IllegalStateException("the restart command failed: " + Files.readString(work.resolve("soak.restart.log")));
                }
                restartedAt = end;
            }
            if (restartedAt != 0 && outcome.equals("ok")) {
                return new Recovery((restartedAt - began) / 1e9, during, longest, (end - restartedAt) / 1e9);
            }
            during.merge(outcome, 1, Integer::sum);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private void handshake() throws Exception {
        String init = call("initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"pg-mcp-soak\",\"version\":\"1\"}}");
        if (!init.contains("\"protocolVersion\"")) {
            throw new IllegalStateException("unexpected initialize answer: " + init);
        }
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        String check = call("SELECT id, name, price FROM items WHERE id = 1");
        if (!check.contains("\"success\":true")) {
            throw new IllegalStateException("execute_sql did not answer: " + check);
        }
    }

    private String call(String sql) throws Exception {
        return call("tools/call", "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"" + sql + "\"}}");
    }

    private String call(String method, String params) throws Exception {
        int id = nextId++;
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}\n");
        String idField = "\"id\":" + id + ",";
        String idFieldEnd = "\"id\":" + id + "}";
        while (true) {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("pg-mcp closed its output (alive: " + process.isAlive() + ")");
            }
            if (line.contains(idField) || line.endsWith(idFieldEnd)) {
                return line;
            }
        }
    }

    private void send(String message) throws IOException {
        in.write(message.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /**
     * pg-mcp's heap in use right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), i.e.
     * what it keeps alive; "n/a" without a jcmd next to this program's java. Run after the RSS reading:
     * the collection may give memory back.
     */
    private static String liveHeap(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return "n/a";
        }
        try {
            run(jcmd.toString(), Long.toString(pid), "GC.run");
            long usedKb = 0;
            for (String line : run(jcmd.toString(), Long.toString(pid), "GC.heap_info").split("\n")) {
                Matcher m = Pattern.compile("^\\S.* total \\d+K, used (\\d+)K").matcher(line);
                if (m.find()) {
                    usedKb += Long.parseLong(m.group(1));
                }
            }
            return usedKb == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MB", usedKb / 1024.0);
        } catch (IOException | InterruptedException e) {
            return "n/a (" + e.getMessage() + ")";
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** pg-mcp's sessions on the server (application_name pg-mcp), read directly, not through the proxy. */
    private record Connections(int total, int idle, int active) {
    }

    private static Connections connections(int pgPort, String dbname, String user) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/" + dbname, user, "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(*) FILTER (WHERE state = 'idle'), "
                     + "count(*) FILTER (WHERE state <> 'idle') FROM pg_stat_activity WHERE application_name = 'pg-mcp'")) {
            rs.next();
            return new Connections(rs.getInt(1), rs.getInt(2), rs.getInt(3));
        }
    }

    private record LogCounts(int retries, int outages, int recoveries) {
    }

    private static LogCounts logCounts(Path log) throws IOException {
        int retries = 0;
        int outages = 0;
        int recoveries = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains("failed, retrying in")) {
                retries++;
            } else if (line.contains("is unavailable (")) {
                outages++;
            } else if (line.contains("is reachable again")) {
                recoveries++;
            }
        }
        return new LogCounts(retries, outages, recoveries);
    }

    private static double pct(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(sorted.length * p / 100.0) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /**
     * A loopback TCP proxy to PostgreSQL that can cut every connection and stall them (hold the bytes,
     * as a stalled TCP link does, and let them through when healed). Two virtual threads per connection.
     */
    private static final class Proxy implements AutoCloseable {
        private final ServerSocket listener;
        private final InetSocketAddress upstream;
        private final Set<Socket[]> links = ConcurrentHashMap.newKeySet();
        private volatile boolean stalled;

        Proxy(int upstreamPort) throws IOException {
            this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().name("soak-proxy-accept").start(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        int openConnections() {
            return links.size();
        }

        void stall(boolean on) {
            stalled = on;
        }

        void cutAll() {
            for (Socket[] link : List.copyOf(links)) {
                links.remove(link);
                closeQuietly(link[0]);
                closeQuietly(link[1]);
            }
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Thread.ofVirtual().start(() -> connect(client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void connect(Socket client) {
            Socket server = new Socket();
            try {
                server.connect(upstream, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                return;
            }
            Socket[] link = {client, server};
            links.add(link);
            Thread.ofVirtual().start(() -> pump(link, client, server));
            Thread.ofVirtual().start(() -> pump(link, server, client));
        }

        private void pump(Socket[] link, Socket from, Socket to) {
            try (InputStream input = from.getInputStream(); OutputStream output = to.getOutputStream()) {
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = input.read(buffer)) >= 0) {
                    while (stalled) {
                        Thread.sleep(5);
                    }
                    output.write(buffer, 0, n);
                    output.flush();
                }
            } catch (IOException e) {
                // cut or closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                links.remove(link);
                closeQuietly(link[0]);
                closeQuietly(link[1]);
            }
        }

        @Override
        public void close() {
            closeQuietly(listener);
            cutAll();
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // already closed
            }
        }
    }
}
