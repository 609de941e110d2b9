package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.testing.ActiveStatements;
import io.pgmcp.testing.PostgresDatabase;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM ({@code Process.destroy()}) against the built image while a call runs: the call is
 * cancelled within {@code server.shutdown_timeout}, its statement is gone from the server, its audit
 * event is written, and the process exits 0 — on stdio and on HTTP.
 */
class TerminationImageIT {

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int)");

    @TempDir
    Path dir;

    private Path config(String server) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                databases:
                  - name: main
                    url: %s
                    access_policy:
                      functions:
                        allowed: [pg_sleep]
                server:
                  query_timeout: 300
                  shutdown_timeout: 1
                %s
                observability:
                  metrics:
                    enabled: false
                audit:
                  file_path: %s
                """.formatted(db.get().postgresUrl(), server, dir.resolve("audit.jsonl")));
        return file;
    }

    @Test
    void sigtermOnStdioCancelsTheRunningCallAuditsItAndExitsZero() throws Exception {
        String marker = "stdio_term_" + System.nanoTime();
        try (ImageProcess pgMcp = ImageProcess.start(Map.of(), "--config", config("").toString());
                Connection watcher = db.get().connect()) {
            pgMcp.request(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}");
            pgMcp.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_sql\","
                    + "\"arguments\":{\"sql\":\"SELECT pg_sleep(120) AS " + marker + "\"}}}");
            assertTrue(ActiveStatements.await(watcher, marker, 1), "the statement runs");
            assertEquals(0, pgMcp.terminateAndWait(), "SIGTERM is an orderly shutdown");
            // logged by pg-mcp's shutdown hook while the JDK's own hook runs: ShutdownSafeLogManager keeps the handler
            pgMcp.awaitStderr("termination signal: stopping");
            assertTrue(ActiveStatements.await(watcher, marker, 0), "the statement was cancelled, not left running");
            assertAudited(marker);
        }
    }

    @Test
    void sigtermOnHttpDrainsCancelsAndExitsZero() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String marker = "http_term_" + System.nanoTime();
        Path config = config("""
                  transport: http
                  http:
                    port: %d
                    auth_tokens: ["it-token-123-abcdefgh"]
                """.formatted(port));
        try (ImageProcess pgMcp = ImageProcess.start(Map.of(), "--config", config.toString());
                Connection watcher = db.get().connect()) {
            String started = pgMcp.awaitStderr("serving MCP on");
            assertTrue(started.contains("http://127.0.0.1:" + port + "/mcp"), started);
            assertFalse(started.contains("it-token-123-abcdefgh"), "tokens are never logged");
            HttpTestClient client = new HttpTestClient(URI.create("http://127.0.0.1:" + port + "/mcp"))
                    .header("Authorization", "Bearer it-token-123-abcdefgh");
            client.initialize();
            assertEquals(200, client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status());
            Thread call = Thread.ofVirtual()
                    .start(() -> client.call(2, "execute_sql", "{\"sql\":\"SELECT pg_sleep(120) AS " + marker + "\"}"));
            assertTrue(ActiveStatements.await(watcher, marker, 1), "the statement runs");
            assertEquals(0, pgMcp.terminateAndWait(), "SIGTERM is an orderly shutdown");
            // logged by pg-mcp's shutdown hook while the JDK's own hook runs: ShutdownSafeLogManager keeps the handler
            pgMcp.awaitStderr("termination signal: stopping");
            assertTrue(call.join(Duration.ofSeconds(30)), "the call's request ended");
            assertTrue(ActiveStatements.await(watcher, marker, 0), "the statement was cancelled");
            assertAudited(marker);
            String log = String.join("\n", pgMcp.stderrLines());
            assertFalse(log.contains("it-token-123-abcdefgh"), "tokens are never logged");
        }
    }

    private void assertAudited(String marker) throws Exception {
        List<String> events = Files.readAllLines(dir.resolve("audit.jsonl"));
        assertEquals(1, events.size(), String.join("\n", events));
        JsonNode event = HttpTestClient.JSON.readTree(events.getFirst());
        assertTrue(event.at("/query/sql").asText().contains(marker), event.toString());
    }
}
