import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * {@code execute_sql} round trip over stdio: starts the real {@code bin/pg-mcp} with the
 * given config, initializes, warms up, then times sequential {@code tools/call execute_sql} requests
 * of a small indexed query (write the request, read the answer line). Three rows:
 * <ul>
 * <li>the same SQL text every call: the EXPLAIN verdict is cached (the measure the targets are for);</li>
 * <li>a different literal every call: every call runs EXPLAIN (the uncached path);</li>
 * <li>the same SQL over one raw pgjdbc connection ({@code Statement.executeQuery}): the floor.</li>
 * </ul>
 * Also the memory of the pg-mcp process (VmRSS of {@code /proc/PID/status}; the launcher execs the
 * JVM): idle, after initialize and a second's rest before the first tool call, and after exactly
 * RSS_CALLS {@code tools/call execute_sql} (the calls above, topped up with the fixed query when they
 * are fewer; no faults).
 * Usage: {@code java -cp "IMAGE/app/*" ExecuteSqlBench.java IMAGE_DIR CONFIG JDBC_URL USER [CALLS] [WARMUP] [RSS_CALLS]}.
 */
public final class ExecuteSqlBench {
    private static final String SQL = "SELECT id, name, price FROM items WHERE id = ";
    private static final int FIXED_ID = 4242;
    private static final int ROWS = 10_000;

    private final Process process;
    private final OutputStream in;
    private final BufferedReader out;
    private int nextId = 1;
    private int toolCalls;
    private int rssAfter = 10_000;
    private long rssAfterKb = -1;

    private ExecuteSqlBench(Process process) {
        this.process = process;
        this.in = process.getOutputStream();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
    }

    public static void main(String[] args) throws Exception {
        String image = args[0];
        String config = args[1];
        String jdbcUrl = args[2];
        String user = args[3];
        int calls = args.length > 4 ? Integer.parseInt(args[4]) : 5_000;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 15_000;
        int rssCalls = args.length > 6 ? Integer.parseInt(args[6]) : 10_000;

        File stderrLog = new File(config + ".stderr.log");
        ProcessBuilder builder = new ProcessBuilder(image + "/bin/pg-mcp", "--config", config)
                .redirectError(ProcessBuilder.Redirect.appendTo(stderrLog));
        builder.environment().keySet().removeIf(k -> k.startsWith("PG_MCP_"));
        ExecuteSqlBench client = new ExecuteSqlBench(builder.start());
        client.rssAfter = rssCalls;
        double[] fixed;
        double[] varying;
        long rssIdleKb;
        try {
            rssIdleKb = client.handshake();
            IntFunction<String> fixedSql = i -> SQL + FIXED_ID;
            IntFunction<String> varyingSql = i -> SQL + (1 + (int) ((i * 7919L) % ROWS));
            client.run(fixedSql, warmup, false);
            fixed = client.run(fixedSql, calls, true);
            // distinct texts, never repeated within the run (the cache holds 1,000): every call misses the EXPLAIN cache
            IntFunction<String> varyingWarm = i -> SQL + (ROWS + 1 + i) + " - 0";
            client.run(varyingWarm, Math.min(warmup, 500), false);
            varying = client.run(varyingSql, calls, true);
            if (client.toolCalls < rssCalls) {
                client.run(fixedSql, rssCalls - client.toolCalls, false);
            }
        } catch (Exception | AssertionError e) {
            System.err.println("execute_sql bench failed: " + e.getMessage() + " (pg-mcp's log: " + stderrLog + ")");
            throw e;
        } finally {
            client.in.close();
            if (!client.process.waitFor(15, TimeUnit.SECONDS)) {
                client.process.destroy();
                client.process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        double[] raw = raw(jdbcUrl, user, calls, warmup);

        System.out.printf(Locale.ROOT, "%-52s %7s %7s %7s %7s %7s%n", "measure (" + calls + " sequential calls)",
                "p50 ms", "p90 ms", "p99 ms", "max ms", "mean");
        row("execute_sql over stdio, fixed SQL (EXPLAIN cached)", fixed);
        row("execute_sql over stdio, varying literal (uncached)", varying);
        row("raw pgjdbc Statement.executeQuery, same SQL", raw);
        double overhead = pct(fixed, 50) - pct(raw, 50);
        System.out.printf(Locale.ROOT, "%-52s %7.3f   (p99 overhead %.3f ms)%n", "pg-mcp overhead (fixed p50 - raw p50)",
                overhead, pct(fixed, 99) - pct(raw, 99));
        System.out.printf(Locale.ROOT, "%-52s p50 %s 1.0 ms, p99 %s 3 ms (targets, fixed SQL)%n", "target",
                pct(fixed, 50) <= 1.0 ? "<=" : "> ", pct(fixed, 99) <= 3.0 ? "<=" : "> ");
        json("execute_sql_stdio_cached_ms", fixed, ",\"sql\":\"" + SQL + FIXED_ID + "\",\"target_p50\":1.0,\"target_p99\":3.0");
        json("execute_sql_stdio_varying_literal_ms", varying, ",\"sql\":\"" + SQL + "<k>\"");
        json("raw_pgjdbc_statement_ms", raw, ",\"sql\":\"" + SQL + FIXED_ID + "\"");
        System.out.printf(Locale.ROOT, "{\"measure\":\"execute_sql_overhead_over_raw_pgjdbc_ms\",\"p50\":%.3f,\"p99\":%.3f}%n",
                overhead, pct(fixed, 99) - pct(raw, 99));
        System.out.printf(Locale.ROOT, "%-52s %7.1f MB idle (target <= 100), %.1f MB after %,d execute_sql calls (target <= 150)%n",
                "pg-mcp RSS (VmRSS)", rssIdleKb / 1024.0, client.rssAfterKb / 1024.0, rssCalls);
        System.out.printf(Locale.ROOT, "{\"measure\":\"rss_mb\",\"idle\":%.1f,\"after_calls\":%.1f,\"calls\":%d,"
                + "\"target_idle\":100,\"target_after_calls\":150}%n", rssIdleKb / 1024.0, client.rssAfterKb / 1024.0, rssCalls);
    }

    /** initialize, a second's rest, the idle RSS (returned, in kB), then one checked call. */
    private long handshake() throws Exception {
        String init = call("initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"pg-mcp-bench\",\"version\":\"1\"}}");
        if (!init.contains("\"protocolVersion\"")) {
            throw new IllegalStateException("unexpected initialize answer: " + init);
        }
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        Thread.sleep(1_000); // start-up work in the background (schema load) settles
        long idleKb = rssKb(process.pid());
        String check = call("tools/call", params(SQL + FIXED_ID));
        if (!check.contains("\"success\":true") || !check.contains("\"row_count\":1")) {
            throw new IllegalStateException("execute_sql did not return the row: " + abbreviate(check));
        }
        return idleKb;
    }

    private static long rssKb(long pid) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /** Times {@code count} sequential calls in milliseconds (or just runs them). Every answer must be a success. */
    private double[] run(IntFunction<String> sql, int count, boolean timed) throws Exception {
        double[] millis = new double[timed ? count : 0];
        for (int i = 0; i < count; i++) {
            String params = params(sql.apply(i));
            long start = System.nanoTime();
            String answer = call("tools/call", params);
            long end = System.nanoTime();
            if (answer.contains("\"isError\":true") || !answer.contains("\"success\":true")) {
                throw new IllegalStateException("call " + i + " failed: " + abbreviate(answer));
            }
            if (toolCalls == rssAfter) {
                rssAfterKb = rssKb(process.pid()); // after the timed interval
            }
            if (timed) {
                millis[i] = (end - start) / 1e6;
            }
        }
        return millis;
    }

    private static String params(String sql) {
        return "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"" + sql + "\"}}";
    }

    private String call(String method, String params) throws Exception {
        String answer = exchange(method, params);
        if (method.equals("tools/call")) {
            toolCalls++;
        }
        return answer;
    }

    private String exchange(String method, String params) throws Exception {
        int id = nextId++;
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}\n");
        String idField = "\"id\":" + id + ",";
        String idFieldEnd = "\"id\":" + id + "}";
        while (true) {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("pg-mcp closed its output (exit " + waitExit() + ")");
            }
            if (line.contains(idField) || line.endsWith(idFieldEnd)) {
                return line;
            }
            // a notification or log message: skip
        }
    }

    private void send(String message) throws Exception {
        in.write(message.getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private String waitExit() throws InterruptedException {
        return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
    }

    private static double[] raw(String url, String user, int calls, int warmup) throws Exception {
        double[] millis = new double[calls];
        try (Connection connection = DriverManager.getConnection(url, user, "");
                Statement statement = connection.createStatement()) {
            for (int i = -warmup; i < calls; i++) {
                long start = System.nanoTime();
                int rows = 0;
                try (ResultSet rs = statement.executeQuery(SQL + FIXED_ID)) {
                    while (rs.next()) {
                        rs.getInt(1);
                        rs.getString(2);
                        rs.getBigDecimal(3);
                        rows++;
                    }
                }
                long end = System.nanoTime();
                if (rows != 1) {
                    throw new IllegalStateException("raw query returned " + rows + " rows");
                }
                if (i >= 0) {
                    millis[i] = (end - start) / 1e6;
                }
            }
        }
        return millis;
    }

    private static double pct(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(sorted.length * p / 100.0) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void row(String name, double[] values) {
        System.out.printf(Locale.ROOT, "%-52s %7.3f %7.3f %7.3f %7.3f %7.3f%n", name, pct(values, 50), pct(values, 90),
                pct(values, 99), pct(values, 100), Arrays.stream(values).average().orElse(0));
    }

    private static void json(String measure, double[] values, String extra) {
        System.out.printf(Locale.ROOT, "{\"measure\":\"%s\",\"calls\":%d,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
                + "\"mean\":%.3f%s}%n", measure, values.length, pct(values, 50), pct(values, 90), pct(values, 99),
                pct(values, 100), Arrays.stream(values).average().orElse(0), extra);
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
