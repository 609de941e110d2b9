package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.LiteralRedactor;
import io.pgmcp.testing.PostgresDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stateless scale-out for real: two pg-mcp instances behind a plain round-robin nginx (Debian's
 * package, started from a temporary nginx.conf as a child process) serve one modern client with no
 * affinity; each instance's audit log shows the calls it served. A 2025 session through the same
 * balancer loses its session on the other instance — legacy sessions need affinity. Skipped when
 * nginx is not installed.
 */
class ScaleOutTest {

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int)",
            "INSERT INTO t VALUES (1), (2)");

    private static final String TOKEN = "scale-out-token-0001";
    private static final int CALLS = 60;

    @TempDir
    static Path dir;

    private static final List<PgMcpServer> servers = new ArrayList<>();
    private static final List<AuditLog> audits = new ArrayList<>();
    private static final List<Path> auditFiles = new ArrayList<>();
    private static Process nginx;
    private static URI balancer;

    private static Path nginxBinary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        Assumptions.abort("nginx is not installed (apt-get install nginx): the round-robin scale-out test needs it");
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @BeforeAll
    static void startTwoInstancesBehindNginx() throws Exception {
        Path binary = nginxBinary();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path audit = dir.resolve("audit-" + i + ".jsonl");
            auditFiles.add(audit);
            Path file = dir.resolve("config-" + i + ".yaml");
            int port = freePort();
            Files.writeString(file, """
                    databases:
                      - name: main
                        url: %s
                    server:
                      transport: http
                      http:
                        host: 127.0.0.1
                        port: %d
                        auth_tokens: ["%s"]
                    rate_limit:
                      enabled: false
                    observability:
                      metrics:
                        enabled: false
                    audit:
                      enabled: true
                      storage: file
                      file_path: %s
                    """.formatted(db.get().postgresUrl(), port, TOKEN, audit));
            PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
            AuditLog log = AuditLog.open(config.audit(), new LiteralRedactor(), io.pgmcp.db.AuditTableWriter::new,
                    System.out, System.err, Ticker.system());
            audits.add(log);
            PgMcpServer server = new PgMcpServer(config, "instance-" + i, log);
            servers.add(server);
            ports.add(server.startHttp().address().getPort());
        }
        int front = freePort();
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream pgmcp {
                        server 127.0.0.1:%2$d;
                        server 127.0.0.1:%3$d;
                    }
                    server {
                        listen 127.0.0.1:%4$d;
                        location /mcp {
                            proxy_pass http://pgmcp;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host localhost;
                            proxy_buffering off;
                            proxy_read_timeout 300s;
                            client_body_buffer_size 1m;
                        }
                    }
                }
                """.formatted(prefix, ports.get(0), ports.get(1), front));
        nginx = new ProcessBuilder(binary.toString(), "-p", prefix.toString(), "-c", conf.toString(),
                "-e", prefix.resolve("error.log").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        awaitListening(front, prefix);
        balancer = URI.create("http://127.0.0.1:" + front + "/mcp");
    }

    private static void awaitListening(int port, Path prefix) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!nginx.isAlive()) {
                throw new IllegalStateException("nginx exited with " + nginx.exitValue() + ": "
                        + Files.readString(prefix.resolve("stdout.log")) + readIfExists(prefix.resolve("error.log")));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                if (socket.isConnected()) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(
                "nginx did not listen on " + port + " within 20 s: " + readIfExists(prefix.resolve("error.log")));
    }

    private static String readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @AfterAll
    static void stopEverything() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy(); // SIGTERM: nginx's fast shutdown, workers included
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
        servers.forEach(PgMcpServer::close);
    }

    private static HttpRequest.Builder modern(String method, String name, String params) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":{\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"scale-out\",\"version\":\"1\"},"
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}" + (params.isEmpty() ? "" : "," + params) + "}}";
        HttpRequest.Builder builder = HttpRequest.newBuilder(balancer).timeout(HttpTestClient.TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", HttpTestClient.ACCEPT_BOTH)
                .header("Authorization", "Bearer " + TOKEN)
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method);
        if (name != null) {
            builder.header("Mcp-Name", name);
        }
        return builder.POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static long auditedCalls(Path audit) throws IOException {
        if (!Files.exists(audit)) {
            return 0;
        }
        return Files.readAllLines(audit).stream().filter(line -> line.contains("\"execute_sql\"")).count();
    }

    @Test
    void oneModernClientIsServedByBothInstancesWithoutAffinity() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(HttpTestClient.TIMEOUT).build()) {
            HttpTestClient client = new HttpTestClient(http, balancer);
            HttpTestClient.Reply discover = client.send(modern("server/discover", null, ""));
            assertEquals(200, discover.status(), discover.response().body());
            assertEquals("2026-07-28", discover.message().at("/result/supportedVersions/0").asText());
            for (int i = 0; i < CALLS; i++) {
                HttpTestClient.Reply call = client.send(modern("tools/call", "execute_sql",
                        "\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"SELECT count(*) AS n FROM t WHERE id <= "
                                + (i % 2 + 1) + "\"}"));
                assertEquals(200, call.status(), call.response().body());
                JsonNode result = call.answer().get("result");
                assertFalse(result.get("isError").asBoolean(), result::toString);
                assertEquals(i % 2 + 1, result.at("/structuredContent/result/rows/0/0").asInt(), result::toString);
            }
        }
        for (AuditLog audit : audits) {
            audit.flush();
        }
        long first = auditedCalls(auditFiles.get(0));
        long second = auditedCalls(auditFiles.get(1));
        System.out.println("[scale-out] " + CALLS + " execute_sql calls through nginx round-robin: instance-0 audited "
                + first + ", instance-1 audited " + second);
        assertEquals(CALLS, first + second, "every call was audited by the instance that served it");
        assertTrue(first >= CALLS / 4 && second >= CALLS / 4, "both instances served calls: " + first + " / " + second);
    }

    @Test
    void aLegacySessionNeedsAffinity() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(HttpTestClient.TIMEOUT).build()) {
            HttpTestClient legacy = new HttpTestClient(http, balancer).header("Authorization", "Bearer " + TOKEN);
            HttpTestClient.Reply initialized = legacy
                    .post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"legacy\",\"version\":\"1\"}}}");
            assertEquals(200, initialized.status(), initialized.response().body());
            String session = initialized.header("Mcp-Session-Id");
            int lost = 0;
            for (int i = 0; i < 4; i++) {
                lost += legacy
                        .send(legacy.request().header("Mcp-Session-Id", session)
                                .header("MCP-Protocol-Version", "2025-11-25")
                                .header("Accept", HttpTestClient.ACCEPT_BOTH)
                                .POST(HttpRequest.BodyPublishers
                                        .ofString("{\"jsonrpc\":\"2.0\",\"id\":" + (i + 10) + ",\"method\":\"ping\"}")))
                        .status() == 404 ? 1 : 0;
            }
            assertTrue(lost > 0, "round robin sends a 2025 session's requests to an instance that does not know it");
        }
    }
}
