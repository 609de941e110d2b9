package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.mcp.HttpTransport;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.LiteralRedactor;
import io.pgmcp.testing.ActiveStatements;
import io.pgmcp.testing.PostgresDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real pg-mcp (composition root, real PostgreSQL) served over Streamable HTTP. */
class HttpServerTest {

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE items (id int PRIMARY KEY, name text)",
            "INSERT INTO items VALUES (1, 'one'), (2, 'two')");

    @TempDir
    Path dir;

    private Path auditFile;

    private PgMcpServer server(String extraDatabases) throws Exception {
        auditFile = dir.resolve("audit.jsonl");
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                databases:
                  - name: main
                    url: %s
                    access_policy:
                      functions:
                        allowed: [pg_sleep]
                %s
                server:
                  query_timeout: 300
                  shutdown_timeout: 5
                retry:
                  database:
                    max_retries: 0
                observability:
                  metrics:
                    enabled: false
                audit:
                  file_path: %s
                """.formatted(db.get().postgresUrl(), extraDatabases, auditFile));
        PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
        ServerConfig s = config.server();
        HttpConfig anyPort = new HttpConfig("127.0.0.1", 0, List.of(), List.of(), java.util.Optional.empty());
        config = config.withServer(new ServerConfig(s.maxResultRows(), s.maxResultBytes(), s.queryTimeout(),
                s.enableResultValidation(), s.enableExecuteSql(), s.maxSqlRetry(), s.cacheRefreshInterval(),
                io.pgmcp.config.Transport.HTTP, anyPort, s.shutdownTimeout()));
        AuditLog audit = AuditLog.open(config.audit(), new LiteralRedactor(), io.pgmcp.db.AuditTableWriter::new,
                OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), Ticker.system());
        return new PgMcpServer(config, "test", audit);
    }

    @Test
    void runsAQueryOverHttpWithRateLimitHeadersAndAuditsTheClient() throws Exception {
        try (PgMcpServer server = server("")) {
            HttpTransport transport = server.startHttp();
            HttpTestClient client = new HttpTestClient(transport.endpoint()).header("User-Agent", "e2e-agent/1.0");
            client.initialize();
            HttpTestClient.Reply tools = client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
            assertTrue(tools.message().at("/result/tools").toString().contains("execute_sql"));

            HttpTestClient.Reply call = client.call(2, "execute_sql",
                    "{\"sql\":\"SELECT id, name FROM items ORDER BY id\"}");
            assertEquals(200, call.status(), call.response().body());
            JsonNode result = call.answer().at("/result/structuredContent");
            assertTrue(result.get("success").asBoolean(), result.toString());
            assertEquals("[[1,\"one\"],[2,\"two\"]]", result.at("/result/rows").toString());
            assertEquals("20", call.header("RateLimit-Limit"), "the per-client budget is the smallest");
            assertEquals("19", call.header("RateLimit-Remaining"));
            assertNotNull(call.header("RateLimit-Reset"));

            List<String> events = Files.readAllLines(auditFile);
            assertEquals(1, events.size());
            JsonNode client_info = HttpTestClient.JSON.readTree(events.getFirst()).get("client_info");
            assertEquals("127.0.0.1", client_info.get("ip").asText(), events.getFirst());
            assertEquals("e2e-agent/1.0", client_info.get("user_agent").asText());
            assertEquals(client.sessionId(), client_info.get("session_id").asText());

            HttpTestClient.Reply ready = client
                    .send(HttpRequest.newBuilder(transport.endpoint().resolve("/readyz")).GET());
            assertEquals(200, ready.status(), ready.response().body());
            server.stopServing();
        }
    }

    @Test
    void aClientThatDisconnectsCancelsItsStatement() throws Exception {
        try (PgMcpServer server = server("")) {
            HttpTransport transport = server.startHttp();
            HttpTestClient client = new HttpTestClient(transport.endpoint());
            client.initialize();
            String marker = "disconnect_" + System.nanoTime();
            String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_sql\","
                    + "\"arguments\":{\"sql\":\"SELECT pg_sleep(120) AS " + marker + "\"}}}";
            int port = transport.address().getPort();
            try (Connection watcher = db.get().connect()) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    OutputStream out = socket.getOutputStream();
                    out.write(
                            ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                                    + "Accept: application/json, text/event-stream\r\nMcp-Session-Id: "
                                    + client.sessionId() + "\r\n"
                                    + "MCP-Protocol-Version: 2025-06-18\r\nContent-Length: "
                                    + body.getBytes(StandardCharsets.UTF_8).length
                                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    assertTrue(ActiveStatements.await(watcher, marker, 1), "the statement runs");
                    BufferedReader in = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                    assertEquals("HTTP/1.1 200 OK", in.readLine(), "the silent call turned into an event stream");
                }
                assertTrue(ActiveStatements.await(watcher, marker, 0),
                        "the client went away: its statement was cancelled");
            }
            assertEquals(200, client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}").status());
            server.stopServing();
        }
    }

    @Test
    void readinessNamesTheUnreachableDatabaseOnly() throws Exception {
        try (PgMcpServer server = server("""
                  - name: archive
                    url: postgresql://127.0.0.1:1/nowhere
                """)) {
            HttpTransport transport = server.startHttp();
            HttpTestClient client = new HttpTestClient(transport.endpoint());
            HttpTestClient.Reply ready = null;
            // the catalog load in the background finds the archive down; wait for it (bounded)
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                ready = client.send(HttpRequest.newBuilder(transport.endpoint().resolve("/readyz")).GET());
                if (ready.status() == 503) {
                    break;
                }
                try (Connection c = db.get().connect()) {
                    c.createStatement().execute("SELECT pg_sleep(0.05)");
                }
            }
            assertNotNull(ready);
            assertEquals(503, ready.status(), ready.response().body());
            assertEquals("[\"archive\"]", ready.message().get("unavailable_databases").toString());
            assertFalse(ready.response().body().contains("127.0.0.1"), "names only, no hosts");
            assertEquals(200,
                    client.send(HttpRequest.newBuilder(transport.endpoint().resolve("/healthz")).GET()).status());
            server.stopServing();
        }
    }
}
