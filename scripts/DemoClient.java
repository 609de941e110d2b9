import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The demo's MCP client: starts {@code bin/pg-mcp}, speaks MCP over its stdin/stdout like Claude
 * Desktop would, and prints each request with a readable answer. A single-file program; Jackson
 * comes from the image's own jars.
 * Usage: {@code java -cp IMAGE/app/pg-mcp.jar DemoClient.java IMAGE_DIR CONFIG_FILE METRICS_URL [--llm]}.
 */
public final class DemoClient {
    private static final String BOLD = System.console() != null ? "\033[1m" : "";
    private static final String DIM = System.console() != null ? "\033[2m" : "";
    private static final String RESET = System.console() != null ? "\033[0m" : "";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final OutputStream in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private int nextId = 1;

    private DemoClient(Process process) {
        this.process = process;
        this.in = process.getOutputStream();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the server ended
            }
        });
    }

    public static void main(String[] args) throws Exception {
        String image = args[0];
        String config = args[1];
        String metricsUrl = args[2];
        boolean llm = args.length > 3 && args[3].equals("--llm");
        ProcessBuilder builder = new ProcessBuilder(image + "/bin/pg-mcp", "--config", config)
                .redirectError(ProcessBuilder.Redirect.appendTo(new java.io.File(config + ".stderr.log")));
        DemoClient client = new DemoClient(builder.start());
        try {
            client.tour(llm);
            client.metrics(metricsUrl);
        } finally {
            client.in.close();
            client.process.waitFor(15, TimeUnit.SECONDS);
            client.process.destroy();
        }
    }

    private void tour(boolean llm) throws Exception {
        step("Handshake: initialize (protocol 2025-11-25)");
        JsonNode init = call("initialize", "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"pg-mcp-demo\",\"version\":\"1\"}}");
        System.out.println("  server: " + init.at("/result/serverInfo/name").asText() + " "
                + init.at("/result/serverInfo/version").asText() + ", protocol " + init.at("/result/protocolVersion").asText());
        notify("notifications/initialized");

        step("tools/list");
        for (JsonNode tool : call("tools/list", "{}").at("/result/tools")) {
            System.out.println("  - " + tool.get("name").asText() + ": " + tool.get("title").asText());
        }

        step("resources/read databases://list");
        System.out.println(indent(call("resources/read", "{\"uri\":\"databases://list\"}").at("/result/contents/0/text").asText()));

        step("resources/read schema://shop (what the model sees: no password_hash, no ssn, no api_keys)");
        System.out.println(indent(call("resources/read", "{\"uri\":\"schema://shop\"}").at("/result/contents/0/text").asText()));

        sql("An allowed query: revenue per country since June 2025",
                "SELECT c.country, count(*) AS orders, sum(o.quantity * p.price) AS revenue "
                        + "FROM orders o JOIN customers c ON c.id = o.customer_id JOIN products p ON p.id = o.product_id "
                        + "WHERE o.ordered_at >= '2025-08-01' GROUP BY c.country ORDER BY revenue DESC LIMIT 5", 0);
        sql("Rows are capped: limit 3 of 200", "SELECT id, name, category, price FROM products ORDER BY id", 3);
        sql("A denied column: ssn is in columns.denied", "SELECT name, ssn FROM customers WHERE id = 1", 0);
        sql("A denied SELECT *: customers has denied columns", "SELECT * FROM customers LIMIT 1", 0);
        sql("A denied table", "SELECT secret FROM api_keys LIMIT 1", 0);
        sql("Stacked statements", "SELECT 1; DELETE FROM orders", 0);
        sql("A function with side effects", "SELECT pg_advisory_lock(1)", 0);
        sql("A full scan of the large orders table (250,000 rows)", "SELECT count(*) FROM orders WHERE quantity * 2 = 4", 0);
        sql("PostgreSQL's own error, with its SQLSTATE", "SELECT name, price / (price - price) FROM products", 0);
        sqlOn("shop_expand", "select_star_policy expand_safe: * becomes the allowed columns",
                "SELECT * FROM customers ORDER BY id LIMIT 2", 0);
        step("resources/read schema://nope (unknown resource)");
        JsonNode unknown = call("resources/read", "{\"uri\":\"schema://nope\"}");
        System.out.println("  => JSON-RPC error " + unknown.at("/error/code").asInt() + ": " + unknown.at("/error/message").asText());
        step("A burst of calls meets the per-client rate limit (rate_limit.per_client_per_minute, 20 by default; on stdio"
                + " execute_sql counts only with rate_limit.stdio_all_tools, set in this demo)");
        for (int i = 1; i <= 25; i++) {
            JsonNode burst = call("tools/call", "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"SELECT 1 AS one\",\"database\":\"shop\"}}");
            JsonNode body = burst.at("/result/structuredContent");
            if (!body.path("success").asBoolean()) {
                System.out.println("  call " + i + " of the burst => " + BOLD + body.path("error_code").asText() + RESET + ": "
                        + body.path("error_message").asText());
                System.out.println("     details: " + body.path("details"));
                break;
            }
        }
        if (llm) {
            step("query: a question in plain language");
            show(call("tools/call", "{\"name\":\"query\",\"arguments\":{\"question\":"
                    + "\"Which 3 product categories sold the most units in 2025?\",\"database\":\"shop\",\"return_type\":\"both\"}}"));
        }
    }

    /** Scrapes the Prometheus endpoint while the session is still open and prints the lines about this tour. */
    private void metrics(String url) throws Exception {
        step("Prometheus metrics (" + url + "), a few of the lines a scrape returns");
        java.net.http.HttpResponse<String> response;
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                            .timeout(java.time.Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.out.println("  (the metrics endpoint did not answer: " + e + ")");
            return;
        }
        List<String> shown = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("pg_mcp_requests_total{") || line.startsWith("pg_mcp_policy_check_total{")
                    || line.startsWith("pg_mcp_rate_limit_exceeded_total{") || line.startsWith("pg_mcp_db_pool_size{")
                    || line.startsWith("pg_mcp_request_duration_seconds_count{") || line.startsWith("pg_mcp_rate_limit_current{")
                    || line.startsWith("pg_mcp_guard_duration_seconds_count{") || line.startsWith("pg_mcp_db_query_duration_seconds_count{")) {
                shown.add(line);
            }
        }
        shown.stream().limit(40).forEach(line -> System.out.println("  " + line));
        System.out.println("  (" + response.body().lines().filter(l -> !l.startsWith("#")).count()
                + " samples in all, JVM metrics included)");
    }

    private void sql(String title, String sql, int limit) throws Exception {
        sqlOn("shop", title, sql, limit);
    }

    private void sqlOn(String database, String title, String sql, int limit) throws Exception {
        step("execute_sql on " + database + ": " + title);
        System.out.println("  " + DIM + sql + RESET);
        ObjectNode params = JSON.createObjectNode().put("name", "execute_sql");
        ObjectNode arguments = params.putObject("arguments").put("sql", sql).put("database", database);
        if (limit > 0) {
            arguments.put("limit", limit);
        }
        show(call("tools/call", JSON.writeValueAsString(params)));
    }

    /** Prints a tool result: rows for a success, the error code and message for a failure. */
    private static void show(JsonNode response) {
        JsonNode body = response.at("/result/structuredContent");
        if (!body.path("success").asBoolean()) {
            System.out.println("  => " + BOLD + body.path("error_code").asText() + RESET + ": " + body.path("error_message").asText());
            return;
        }
        JsonNode result = body.path("result");
        List<String> columns = new ArrayList<>();
        result.path("columns").forEach(c -> columns.add(c.asText()));
        System.out.println("  => " + BOLD + String.join(" | ", columns) + RESET);
        for (JsonNode row : result.path("rows")) {
            List<String> cells = new ArrayList<>();
            row.forEach(v -> cells.add(v.isTextual() ? v.asText() : v.toString()));
            System.out.println("     " + String.join(" | ", cells));
        }
        System.out.println("     row_count=" + result.path("row_count").asInt() + ", truncated=" + result.path("truncated").asBoolean()
                + (result.has("truncation_reason") ? " (" + result.get("truncation_reason").asText() + ")" : ""));
        if (body.has("sql")) {
            System.out.println("     sql: " + body.get("sql").asText());
        }
        if (body.has("explanation")) {
            System.out.println("     explanation: " + body.get("explanation").asText());
        }
        body.path("warnings").forEach(w -> System.out.println("     warning: " + w.asText()));
    }

    private JsonNode call(String method, String params) throws Exception {
        int id = nextId++;
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("no answer from pg-mcp within 60 s (see the .stderr.log next to the config)");
            }
            JsonNode message = JSON.readTree(line);
            if (message.path("id").asInt(-1) == id) {
                return message;
            }
        }
    }

    private void notify(String method) throws IOException {
        send("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"}");
    }

    private void send(String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static void step(String title) {
        System.out.println();
        System.out.println(BOLD + "▶ " + title + RESET);
    }

    private static String indent(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            out.add("  " + line);
        }
        return String.join("\n", out);
    }
}
