package io.pgmcp.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.llm.StubLlmServer;
import io.pgmcp.observability.OtlpReceiver;
import io.pgmcp.testing.ChildJvm;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole server (Main, in a child JVM on the test classpath: its logging setup resets the JVM-wide
 * java.util.logging, which would disturb test classes running in parallel) with metrics, tracing and
 * a file audit log on, a known database password and API key, successful and failing calls. Every
 * output — stdout, stderr, the audit file, a metrics scrape, the exported spans — is searched for the
 * two secrets.
 */
class SecretsNeverLeakTest {
    private static final String DB_PASSWORD = "Leak9pw7Zq3xV";
    private static final String API_KEY = "sk-leak-3f9a7c1e55d2";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, ssn text);
            INSERT INTO customers SELECT g, 'c' || g, 'ssn' || g FROM generate_series(1, 30) g;
            ANALYZE;
            """);

    @TempDir
    Path dir;

    @Test
    void neitherTheDatabasePasswordNorTheApiKeyAppearsInAnyOutput() throws Exception {
        TestDatabase database = db.get();
        database.createRole("secrets_never_leak_reader", DB_PASSWORD,
                "GRANT SELECT ON customers TO secrets_never_leak_reader");
        int metricsPort = freePort();
        Path audit = dir.resolve("audit.jsonl");
        Path stderr = dir.resolve("stderr.log");
        try (StubLlmServer stub = StubLlmServer.start(); OtlpReceiver receiver = OtlpReceiver.start()) {
            stub.replyJson("{\"sql\": \"SELECT count(*) AS n FROM customers\", \"explanation\": \"counts\"}")
                    .replyStatus(401, "Incorrect API key provided: " + API_KEY);
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    databases:
                      - name: main
                        url: "postgresql://secrets_never_leak_reader:${LEAK_DB_PASSWORD}@%s:%d/%s"
                        min_pool_size: 0
                        access_policy: {columns: {denied: ["customers.ssn"]}}
                    openai: {api_key: "${LEAK_API_KEY}", model: stub-model, base_url: "%s", timeout: 5}
                    retry: {openai: {max_retries: 0}}
                    observability:
                      metrics: {enabled: true, host: 127.0.0.1, port: %d}
                      tracing: {enabled: true, endpoint: "%s", sample_rate: 1.0}
                      logging: {level: debug, log_sql: true, slow_query_threshold: 0.1}
                    audit: {storage: file, file_path: "%s"}
                    """.formatted(database.host(), database.port(), database.name(), stub.baseUrl(), metricsPort,
                    receiver.endpoint(), audit));

            ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(Main.class, "--config", config.toString()))
                    .redirectError(stderr.toFile());
            Map<String, String> env = builder.environment();
            String home = env.get("HOME");
            env.clear(); // no inherited PG_MCP_* variable may change the configuration
            if (home != null) {
                env.put("HOME", home);
            }
            env.put("LEAK_DB_PASSWORD", DB_PASSWORD);
            env.put("LEAK_API_KEY", API_KEY);
            Process process = builder.start();
            StringBuilder stdout = new StringBuilder();
            String metrics;
            try {
                BlockingQueue<String> lines = new LinkedBlockingQueue<>();
                Thread.ofVirtual().start(() -> {
                    try (BufferedReader reader = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), UTF_8))) {
                        for (String line; (line = reader.readLine()) != null;) {
                            lines.add(line);
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                OutputStream in = process.getOutputStream();
                send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"leak-test\",\"version\":\"1\"}}}");
                send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
                List<String> calls = List.of(
                        "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"SELECT id, name FROM customers WHERE id < 4\"}}",
                        "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"SELECT ssn FROM customers\"}}",
                        "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"SELECT 1\",\"database\":\"nope\"}}",
                        "{\"name\":\"query\",\"arguments\":{\"question\":\"how many customers?\"}}",
                        "{\"name\":\"query\",\"arguments\":{\"question\":\"and now?\"}}");
                Map<Integer, JsonNode> answers = new HashMap<>();
                // one call at a time: the stub LLM answers in order
                for (int i = 0; i < calls.size(); i++) {
                    int id = i + 2;
                    send(in, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":"
                            + calls.get(i) + "}");
                    while (!answers.containsKey(id)) {
                        String line = null;
                        for (int second = 0; line == null && second < 60 && process.isAlive(); second++) {
                            line = lines.poll(1, TimeUnit.SECONDS);
                        }
                        if (line == null) {
                            throw new AssertionError("no answer to call " + id + "; alive " + process.isAlive()
                                    + ", stderr:\n" + Files.readString(stderr, UTF_8));
                        }
                        stdout.append(line).append('\n');
                        JsonNode message = JSON.readTree(line);
                        if (message.has("id")) {
                            answers.put(message.get("id").asInt(), message);
                        }
                    }
                }
                assertFalse(answers.get(2).at("/result/isError").asBoolean(), answers.get(2).toString());
                assertTrue(answers.get(3).at("/result/isError").asBoolean(), "the denied column is refused");
                assertTrue(answers.get(4).at("/result/isError").asBoolean(), "the unknown database is refused");
                assertFalse(answers.get(5).at("/result/isError").asBoolean(), answers.get(5).toString());
                assertTrue(answers.get(6).at("/result/isError").asBoolean(), "the rejected key fails the call");
                metrics = scrape(metricsPort);
                in.close();
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "pg-mcp exits when stdin ends");
                assertEquals(0, process.exitValue());
            } finally {
                process.destroyForcibly();
            }

            String errors = Files.readString(stderr, UTF_8);
            String auditText = Files.readString(audit, UTF_8);
            String spans = receiver.rawText();
            assertTrue(errors.contains("\"trace_id\""), "log lines inside calls carry trace ids:\n" + errors);
            assertEquals(5, auditText.lines().count(), auditText);
            assertTrue(metrics.contains("pg_mcp_db_query_duration_seconds_count{database=\"main\"}"), metrics);
            assertTrue(receiver.names().contains("tools/call query"), receiver.names().toString());
            Map<String, String> outputs = Map.of("stdout", stdout.toString(), "stderr", errors, "audit", auditText,
                    "metrics", metrics, "spans", spans);
            outputs.forEach((name, text) -> {
                assertFalse(text.contains(DB_PASSWORD), "the database password is in " + name + ":\n" + text);
                assertFalse(text.contains(API_KEY), "the API key is in " + name + ":\n" + text);
            });
        }
    }

    private static void send(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(UTF_8));
        in.flush();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The endpoint starts in the background at start-up; it is normally up long before the calls are answered. */
    private static String scrape(int port) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
            for (int attempt = 1;; attempt++) {
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode());
                    return response.body();
                } catch (ConnectException notYet) {
                    if (attempt == 50) {
                        throw notYet;
                    }
                    Thread.sleep(100);
                }
            }
        }
    }
}
