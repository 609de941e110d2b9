import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The summary of a {@code scripts/bench} run: reads the JSON lines the measures printed (collected by
 * the script, with one {@code {"measure":"_run",...}} line per measure giving its exit status) and
 * prints the whole summary table (targets, HTTP throughput, observability overhead) as Markdown, with
 * the machine it ran on, and writes the same as one JSON document. A row whose measure was not selected is "not
 * run"; one whose measure failed is "failed"; one the server cannot serve yet (the HTTP transport, the
 * tracing exporter) is "not available" with the server's reason. No number is made up.
 * Usage: {@code java -cp "IMAGE/app/*" BenchReport.java LINES_FILE OUT_JSON IMAGE_DIR PG_VERSION LOAD_START}.
 */
public final class BenchReport {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final List<JsonNode> lines;
    private final Map<String, Integer> exits = new LinkedHashMap<>();
    private final ArrayNode rows = F.arrayNode();

    private BenchReport(List<JsonNode> lines) {
        this.lines = lines;
        for (JsonNode line : lines) {
            if (line.path("measure").asText().equals("_run")) {
                exits.put(line.path("name").asText(), line.path("exit").asInt());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Path linesFile = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Path image = Path.of(args[2]);
        String pgVersion = args.length > 3 ? args[3] : "";
        String loadStart = args.length > 4 ? args[4] : "";
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(linesFile, StandardCharsets.UTF_8)) {
            String t = line.trim();
            if (t.startsWith("{\"measure\"")) {
                try {
                    lines.add(mapper.readTree(t));
                } catch (IOException notJson) {
                    // a table line that happens to start like JSON: ignore
                }
            }
        }
        BenchReport report = new BenchReport(lines);
        report.build();

        ObjectNode machine = machine(image, pgVersion, loadStart);
        ObjectNode doc = F.objectNode();
        doc.put("generated", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        doc.set("machine", machine);
        ArrayNode measures = doc.putArray("measures_run");
        report.exits.forEach((name, exit) -> measures.addObject().put("name", name).put("exit", exit));
        doc.set("rows", report.rows);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n");

        System.out.println();
        System.out.println("== summary ==");
        System.out.println("machine: " + machine.path("summary").asText());
        System.out.println();
        System.out.println("| measure | measured | target | met |");
        System.out.println("|---|---|---|---|");
        for (JsonNode row : report.rows) {
            String met = row.path("met").isBoolean() ? (row.path("met").asBoolean() ? "yes" : "**no**") : "—";
            System.out.println("| " + row.path("measure").asText() + " | " + row.path("text").asText() + " | "
                    + row.path("target").asText() + " | " + met + " |");
        }
        System.out.println();
        System.out.println("JSON: " + out);
    }

    private void build() {
        // guard
        one("guard", "guard (lex + parse + policy), corpus allowed queries, warm", "p50 ≤ 100 µs, p99 ≤ 1 ms", "µs",
                m -> m.path("measure").asText().equals("guard_check_us"), m -> {
                    double p50 = m.path("p50").asDouble();
                    double p99 = m.path("p99").asDouble();
                    return new Measured(values("p50", p50, "p99", p99), String.format(Locale.ROOT, "p50 %.0f µs, p99 %.0f µs", p50, p99),
                            p50 <= 100 && p99 <= 1000);
                });
        // execute_sql over stdio and its floor
        one("execute_sql", "`execute_sql` over stdio, indexed lookup, EXPLAIN cached", "p50 ≤ 1.0 ms, p99 ≤ 3 ms (stretch goal: p50 ≤ 0.8 ms)",
                "ms", measure("execute_sql_stdio_cached_ms"), m -> percentiles(m, m.path("p50").asDouble() <= 1.0 && m.path("p99").asDouble() <= 3.0));
        one("execute_sql", "raw pgjdbc round trip of the same query, same run", "reported", "ms", measure("raw_pgjdbc_statement_ms"), m -> {
            Optional<JsonNode> overhead = find(measure("execute_sql_overhead_over_raw_pgjdbc_ms"));
            Measured p = percentiles(m, null);
            String text = p.text() + overhead.map(o -> String.format(Locale.ROOT, " (pg-mcp adds %.2f ms at p50)", o.path("p50").asDouble()))
                    .orElse("");
            overhead.ifPresent(o -> p.values().put("pg_mcp_overhead_p50", o.path("p50").asDouble()));
            return new Measured(p.values(), text, null);
        });
        one("execute_sql", "`execute_sql` over stdio, a different literal every call (EXPLAIN not cached)", "reported", "ms",
                measure("execute_sql_stdio_varying_literal_ms"), m -> percentiles(m, null));
        // start-up
        one("startup", "cold start, process start → `initialize` answered (jlink image, AOT cache)", "≤ 200 ms (stretch goal: ≤ 150 ms)", "ms",
                measure("cold_start_initialize_ms"), m -> {
                    double median = m.path("median").asDouble(m.path("p50").asDouble());
                    return new Measured(values("median", median, "min", m.path("min").asDouble(), "max", m.path("max").asDouble(),
                            "runs", m.path("runs").asDouble()), String.format(Locale.ROOT, "median %.0f ms of %d (min %.0f, max %.0f)",
                            median, m.path("runs").asInt(), m.path("min").asDouble(), m.path("max").asDouble()), median <= 200);
                });
        // memory
        one("execute_sql", "idle RSS (after initialize, before the first call)", "≤ 100 MB", "MB", measure("rss_mb"), m -> {
            double idle = m.path("idle").asDouble();
            return new Measured(values("rss", idle), String.format(Locale.ROOT, "%.0f MB", idle), idle <= 100);
        });
        one("execute_sql", "RSS after 10,000 `execute_sql` calls", "≤ 150 MB", "MB", measure("rss_mb"), m -> {
            double after = m.path("after_calls").asDouble();
            return new Measured(values("rss", after, "calls", m.path("calls").asDouble()),
                    String.format(Locale.ROOT, "%.0f MB after %,d calls", after, m.path("calls").asInt()), after <= 150);
        });
        // catalog
        for (int tables : new int[] {1_000, 10_000}) {
            double target = tables <= 1_000 ? 1_000 : 5_000;
            one("catalog", String.format(Locale.ROOT, "catalog load, %,d tables", tables), tables <= 1_000 ? "≤ 1 s" : "≤ 5 s", "ms",
                    m -> m.path("measure").asText().equals("catalog_load_ms") && m.path("tables").asInt() == tables, m -> {
                        double median = m.path("median").asDouble();
                        double max = m.path("max").asDouble();
                        return new Measured(values("median", median, "min", m.path("min").asDouble(), "max", max),
                                String.format(Locale.ROOT, "median %.0f ms of %d (max %.0f)", median, m.path("runs").asInt(), max), max <= target);
                    });
        }
        // prompt
        one("prompt", "prompt table selection, 10,000-table catalog", "≤ 20 ms", "ms", measure("prompt_build_ms"), m -> {
            double p50 = m.path("p50").asDouble();
            return new Measured(values("p50", p50, "p99", m.path("p99").asDouble()),
                    String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", p50, m.path("p99").asDouble()), p50 <= 20);
        });
        // HTTP
        for (int clients : new int[] {8, 64}) {
            String name = "throughput, " + clients + " concurrent HTTP clients, `execute_sql` (own sessions)";
            Optional<JsonNode> refused = find(m -> m.path("measure").asText().equals("http_execute_sql") && !m.path("available").asBoolean(true));
            if (refused.isPresent()) {
                unavailable("http", name, "reported; no errors", "calls/s", refused.get().path("reason").asText());
                continue;
            }
            one("http", name, "reported; no errors", "calls/s",
                    m -> m.path("measure").asText().equals("http_execute_sql") && m.path("clients").asInt() == clients, m -> {
                        long errors = m.path("errors").asLong();
                        if (m.path("calls").asLong() == 0) {
                            return new Measured(values("errors", errors), "no successful call, " + errors + " errors: "
                                    + m.path("error_kinds").asText(), false);
                        }
                        return new Measured(values("throughput_per_s", m.path("throughput_per_s").asDouble(), "p50_ms", m.path("p50").asDouble(),
                                "p99_ms", m.path("p99").asDouble(), "errors", errors), String.format(Locale.ROOT,
                                "%,.0f calls/s, p50 %.2f ms, p99 %.2f ms, %d errors", m.path("throughput_per_s").asDouble(),
                                m.path("p50").asDouble(), m.path("p99").asDouble(), errors), errors == 0);
                    });
        }
        // observability overhead
        one("overhead", "`execute_sql` over stdio, observability off (overhead baseline; 6 servers interleaved)", "reported", "ms",
                variant("off"), m -> new Measured(values("p50", m.path("p50").asDouble(), "p99", m.path("p99").asDouble()),
                        String.format(Locale.ROOT, "p50 %.3f ms, p99 %.2f ms", m.path("p50").asDouble(), m.path("p99").asDouble()), null));
        one("overhead", "noise floor: a second server with everything off (A/A)", "reported", "µs", variant("off2"), m -> new Measured(
                values("added_us", m.path("added_us").asDouble(), "added_pct", m.path("added_pct").asDouble()), String.format(Locale.ROOT,
                        "%+.0f µs (%+.1f %%; fifths %+.0f .. %+.0f µs)", m.path("added_us").asDouble(), m.path("added_pct").asDouble(),
                        m.path("added_us_min_fifth").asDouble(), m.path("added_us_max_fifth").asDouble()), null));
        for (String[] v : new String[][] {{"metrics", "metrics on"}, {"tracing", "tracing on, sample_rate 1.0 (OTLP http/protobuf)"},
                {"audit", "audit on (file)"}, {"all", "metrics + tracing + audit"}}) {
            String name = "added per call: " + v[1];
            Optional<JsonNode> line = find(variant(v[0]));
            if (line.isPresent() && !line.get().path("available").asBoolean(true)) {
                unavailable("overhead", name, "< 10 % of the baseline p50", "µs", line.get().path("reason").asText());
                continue;
            }
            if (line.isPresent() && v[0].equals("all")) {
                name = "added per call: " + line.get().path("name").asText();
            }
            one("overhead", name, "< 10 % of the baseline p50", "µs", variant(v[0]), m -> {
                double us = m.path("added_us").asDouble();
                double pct = m.path("added_pct").asDouble();
                return new Measured(values("added_us", us, "added_pct", pct, "p50_ms", m.path("p50").asDouble(), "baseline_p50_ms",
                        m.path("baseline_p50").asDouble(), "added_us_min_fifth", m.path("added_us_min_fifth").asDouble(),
                        "added_us_max_fifth", m.path("added_us_max_fifth").asDouble()), String.format(Locale.ROOT,
                        "%+.0f µs (%+.1f %% of p50 %.3f ms; fifths %+.0f .. %+.0f µs)", us, pct, m.path("baseline_p50").asDouble(),
                        m.path("added_us_min_fifth").asDouble(), m.path("added_us_max_fifth").asDouble()), pct < 10);
            });
        }
        // peers: rows only when the measure ran (it is not part of "all": it needs Node and the npm registry)
        if (exits.containsKey("peers")) {
            peers();
        }
    }

    /** pg-mcp's ratio to server-postgres per peer measure, with every server's own figure (dbhub's for information). */
    private void peers() {
        Optional<JsonNode> refused = find(measure("peers"));
        if (refused.isPresent() && !refused.get().path("available").asBoolean(true)) {
            unavailable("peers", "pg-mcp against server-postgres and dbhub (stdio, interleaved)", "p50, p99 ≤ 0.6×; cold start, RSS ≤ 1.0×",
                    "ratio", refused.get().path("reason").asText());
            return;
        }
        List<JsonNode> ratios = lines.stream().filter(measure("peer_ratio")).toList();
        if (ratios.isEmpty()) {
            one("peers", "pg-mcp against server-postgres and dbhub (stdio, interleaved)", "p50, p99 ≤ 0.6×; cold start, RSS ≤ 1.0×", "ratio",
                    measure("peer_ratio"), m -> null);
            return;
        }
        List<JsonNode> servers = lines.stream().filter(measure("peer_server")).toList();
        for (JsonNode r : ratios) {
            String metric = r.path("metric").asText();
            String name = "pg-mcp / server-postgres: " + r.path("label").asText();
            String target = String.format(Locale.ROOT, "≤ %.1f×", r.path("target").asDouble());
            if (r.path("status").asText().equals("failed")) {
                ObjectNode row = rows.addObject();
                row.put("measure", name).put("bench", "peers").put("unit", "ratio").put("target", target).put("status", "failed");
                row.putNull("values");
                row.put("text", "failed (" + r.path("reason").asText() + ")");
                row.putNull("met");
                continue;
            }
            ObjectNode values = values("ratio", r.path("ratio").asDouble());
            List<String> figures = new ArrayList<>();
            for (JsonNode server : servers) {
                String key = server.path("server").asText();
                if (server.path("status").asText().equals("measured")) {
                    double v = server.path(metric).asDouble();
                    values.put(key.replace('-', '_'), v);
                    figures.add(String.format(Locale.ROOT, v >= 10 ? "%s %.0f" : "%s %.2f", key, v));
                } else {
                    figures.add(key + " failed");
                }
            }
            one("peers", name, target, "ratio", m -> m == r, m -> new Measured(values, String.format(Locale.ROOT, "%.2f× (%s)",
                    m.path("ratio").asDouble(), String.join(", ", figures)), m.path("met").asBoolean()));
        }
        servers.stream().filter(s -> s.path("status").asText().equals("failed")).forEach(s -> {
            ObjectNode row = rows.addObject();
            row.put("measure", "peer server " + s.path("server").asText() + " " + s.path("version").asText()).put("bench", "peers")
                    .put("unit", "").put("target", "runs").put("status", "failed");
            row.putNull("values");
            row.put("text", "failed (" + s.path("reason").asText() + ")");
            row.putNull("met");
        });
        for (JsonNode memory : lines.stream().filter(measure("peer_memory")).toList()) {
            String metric = memory.path("metric").asText();
            String name;
            String target;
            String text;
            ObjectNode values = F.objectNode();
            switch (metric) {
                case "rss_mixed" -> {
                    name = "pg-mcp RSS after " + memory.path("calls").asInt() + " mixed calls / idle";
                    target = "≤ 1.2×";
                    text = String.format(Locale.ROOT, "%.2f× (%.0f MB after, %.0f MB idle)", memory.path("ratio").asDouble(),
                            memory.path("after_mb").asDouble(), memory.path("idle_mb").asDouble());
                    values.put("ratio", memory.path("ratio").asDouble());
                }
                case "oversized" -> {
                    name = "pg-mcp, result far over max_result_bytes: " + memory.path("case").asText();
                    target = "a clear error or a truncated result; still answering";
                    text = memory.path("outcome").asText() + String.format(Locale.ROOT, " (%.0f ms)", memory.path("ms").asDouble());
                }
                case "peak_rss" -> {
                    name = "pg-mcp peak RSS over the memory phase (MB)";
                    target = "reported";
                    text = String.format(Locale.ROOT, "%.0f MB", memory.path("peak_mb").asDouble());
                    values.put("peak_mb", memory.path("peak_mb").asDouble());
                }
                default -> {
                    name = "pg-mcp memory phase";
                    target = "runs";
                    text = "failed (" + memory.path("reason").asText() + ")";
                }
            }
            one("peers", name, target, "", m -> m == memory, m -> new Measured(values, text, m.path("met").asBoolean()));
        }
    }

    private record Measured(ObjectNode values, String text, Boolean met) {
    }

    interface Reading {
        Measured read(JsonNode line);
    }

    /** A row from the first line that matches, or the reason there is none. */
    private void one(String bench, String name, String target, String unit, Predicate<JsonNode> which, Reading reading) {
        ObjectNode row = rows.addObject();
        row.put("measure", name);
        row.put("bench", bench);
        row.put("unit", unit);
        row.put("target", target);
        Optional<JsonNode> line = find(which);
        if (line.isPresent()) {
            Measured m = reading.read(line.get());
            row.put("status", "measured");
            row.set("values", m.values());
            row.put("text", m.text());
            if (m.met() == null) {
                row.putNull("met");
            } else {
                row.put("met", m.met());
            }
            return;
        }
        Integer exit = exits.get(bench);
        String status = exit == null ? "not run" : exit != 0 ? "failed" : "missing";
        row.put("status", status);
        row.putNull("values");
        row.put("text", switch (status) {
            case "not run" -> "not run (scripts/bench " + bench + ")";
            case "failed" -> "failed (" + bench + " exited " + exit + ", see above)";
            default -> "no result line from " + bench;
        });
        row.putNull("met");
    }

    private void unavailable(String bench, String name, String target, String unit, String reason) {
        ObjectNode row = rows.addObject();
        row.put("measure", name);
        row.put("bench", bench);
        row.put("unit", unit);
        row.put("target", target);
        row.put("status", "unavailable");
        row.putNull("values");
        row.put("reason", reason);
        row.put("text", "not available (" + reason + ")");
        row.putNull("met");
    }

    private Optional<JsonNode> find(Predicate<JsonNode> which) {
        return lines.stream().filter(which).findFirst();
    }

    private static Predicate<JsonNode> measure(String name) {
        return m -> m.path("measure").asText().equals(name);
    }

    private static Predicate<JsonNode> variant(String name) {
        return m -> m.path("measure").asText().equals("overhead_execute_sql") && m.path("variant").asText().equals(name);
    }

    private static Measured percentiles(JsonNode m, Boolean met) {
        double p50 = m.path("p50").asDouble();
        double p99 = m.path("p99").asDouble();
        return new Measured(values("p50", p50, "p99", p99, "calls", m.path("calls").asDouble()),
                String.format(Locale.ROOT, "p50 %.3f ms, p99 %.2f ms", p50, p99), met);
    }

    private static ObjectNode values(Object... pairs) {
        ObjectNode node = F.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            double d = ((Number) pairs[i + 1]).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                node.put((String) pairs[i], (long) d);
            } else {
                node.put((String) pairs[i], d);
            }
        }
        return node;
    }

    private static ObjectNode machine(Path image, String pgVersion, String loadStart) {
        ObjectNode m = F.objectNode();
        int nproc = Runtime.getRuntime().availableProcessors();
        String cpu = procField("/proc/cpuinfo", "model name").orElse("?");
        long ramMb = procField("/proc/meminfo", "MemTotal").map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024).orElse(-1L);
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
        String imageJava = imageJava(image);
        String loadEnd = read("/proc/loadavg").map(s -> String.join(" ", List.of(s.trim().split("\\s+")).subList(0, 3))).orElse("?");
        m.put("nproc", nproc);
        m.put("cpu_model", cpu);
        m.put("ram_mb", ramMb);
        m.put("kernel", kernel);
        m.put("java_image", imageJava);
        m.put("java_bench_client", System.getProperty("java.runtime.version"));
        m.put("postgresql", pgVersion);
        m.put("load_average_start", loadStart);
        m.put("load_average_end", loadEnd);
        m.put("summary", String.format(Locale.ROOT, "%d × %s, %.1f GB RAM, %s; pg-mcp image on Java %s; PostgreSQL %s; "
                + "load average %s at start, %s at end", nproc, cpu, ramMb / 1024.0, kernel, imageJava,
                pgVersion.isEmpty() ? "not started" : pgVersion, loadStart, loadEnd));
        return m;
    }

    private static String imageJava(Path image) {
        try {
            Process p = new ProcessBuilder(image.resolve("bin/java").toString(), "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            for (String line : out.split("\n")) {
                java.util.regex.Matcher v = java.util.regex.Pattern.compile("version \"([^\"]+)\"").matcher(line);
                if (v.find()) {
                    return v.group(1);
                }
            }
            return "?";
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static Optional<String> procField(String file, String field) {
        return read(file).flatMap(text -> text.lines().filter(l -> l.startsWith(field)).findFirst())
                .map(l -> l.substring(l.indexOf(':') + 1).trim());
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(Path.of(file)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
