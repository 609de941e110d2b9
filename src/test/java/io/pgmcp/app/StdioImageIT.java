package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the built {@code target/pg-mcp/bin/pg-mcp} over stdio, as Claude Desktop would. */
class StdioImageIT {
    private static final String INIT_0618 = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

    @TempDir
    Path dir;

    private Path config(String logLevel) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                databases:
                  - name: main
                    url: postgresql://127.0.0.1:1/nowhere
                    access_policy:
                      tables:
                        denied: [secrets]
                      columns:
                        denied: [users.ssn]
                observability:
                  metrics:
                    enabled: false
                  logging:
                    level: %s
                audit:
                  enabled: false
                """.formatted(logLevel));
        return file;
    }

    @Test
    void answersAClientOverStdioIncludingMalformedInput() throws Exception {
        try (ImageProcess pgMcp = ImageProcess.start(Map.of(), "--config", config("debug").toString())) {
            pgMcp.send("{\"jsonrpc\":\"2.0\",\"id\":\"before\",\"method\":\"ping\"}");
            JsonNode earlyPing = pgMcp.receive();
            assertEquals("before", earlyPing.get("id").asText());
            assertTrue(earlyPing.get("result").isObject());

            JsonNode init = pgMcp.request(INIT_0618);
            assertEquals(1, init.get("id").asInt());
            assertTrue(init.get("id").isInt(), "numeric id echoed as a number");
            assertEquals("2025-06-18", init.at("/result/protocolVersion").asText());
            assertEquals("pg-mcp", init.at("/result/serverInfo/name").asText());
            assertTrue(init.at("/result/capabilities/tools").isObject());
            assertFalse(init.at("/result/instructions").asText().isBlank());
            pgMcp.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            JsonNode ping = pgMcp.request("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
            assertTrue(ping.get("result").isObject());

            JsonNode tools = pgMcp.request("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
            assertTrue(tools.at("/result/tools").isArray());

            JsonNode unknown = pgMcp.request("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"server/discover\"}");
            assertEquals(-32601, unknown.at("/error/code").asInt());

            JsonNode malformed = pgMcp.request("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":");
            assertEquals(-32700, malformed.at("/error/code").asInt());
            assertFalse(malformed.has("id"), "a parse error has no id");

            JsonNode batch = pgMcp.request("[{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}]");
            assertEquals(-32600, batch.at("/error/code").asInt(), "no batches on 2025-06-18");

            JsonNode after = pgMcp.request("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}");
            assertEquals(7, after.get("id").asInt(), "the session goes on after bad input");

            assertEquals(0, pgMcp.closeStdinAndWait(), "EOF on stdin is an orderly shutdown");
            for (String line : pgMcp.stdoutLines()) {
                JsonNode message = ImageProcess.JSON.readTree(line);
                assertEquals("2.0", message.get("jsonrpc").asText(), "stdout carries only JSON-RPC: " + line);
                assertNoNulls(message, line);
            }
            assertFalse(pgMcp.stderrLines().isEmpty(), "the server logged while serving");
            for (String line : pgMcp.stderrLines()) {
                assertTrue(line.startsWith("{"), "logs are JSON lines on stderr: " + line);
            }
        }
    }

    @Test
    void answersBatchesOn20250326() throws Exception {
        try (ImageProcess pgMcp = ImageProcess
                .start(Map.of("PG_MCP_DATABASE_URL", "postgresql://127.0.0.1:1/nowhere"))) {
            pgMcp.request(INIT_0618.replace("2025-06-18", "2025-03-26"));
            JsonNode batch = pgMcp.request("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"tools/list\"}]");
            assertTrue(batch.isArray());
            assertEquals(2, batch.size(), "one response per request, none for the notification");
            assertEquals(0, pgMcp.closeStdinAndWait());
        }
    }

    @Test
    void everyToolCallIsAuditedBeforeItIsAnswered() throws Exception {
        Path auditFile = dir.resolve("state/audit.jsonl");
        Path config = dir.resolve("audited.yaml");
        Files.writeString(config, """
                databases:
                  - name: main
                    url: postgresql://127.0.0.1:1/nowhere
                observability:
                  metrics:
                    enabled: false
                audit:
                  file_path: %s
                """.formatted(auditFile));
        try (ImageProcess pgMcp = ImageProcess.start(Map.of(), "--config", config.toString())) {
            pgMcp.request(INIT_0618);
            JsonNode call = pgMcp.request("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"execute_sql\",\"arguments\":{\"sql\":\"SELECT 1\"}}}");
            assertEquals("CONNECTION_ERROR", call.at("/result/structuredContent/error_code").asText());
            // the event is on disk as soon as the answer is: read it before the process ends
            List<String> lines = Files.readAllLines(auditFile);
            assertEquals(1, lines.size(), String.join("\n", lines));
            JsonNode event = ImageProcess.JSON.readTree(lines.getFirst());
            assertEquals("CONNECTION_ERROR", event.at("/result/error_code").asText());
            assertEquals("SELECT 1", event.at("/query/sql").asText());
            assertEquals("rw-------",
                    java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(auditFile)));
            assertEquals(0, pgMcp.closeStdinAndWait());
        }
    }

    @Test
    void versionHelpAndUsageErrors() throws Exception {
        try (ImageProcess version = ImageProcess.start(Map.of(), "--version")) {
            assertEquals(0, version.waitFor());
            assertTrue(version.stdoutLines().getFirst().startsWith("pg-mcp "));
        }
        try (ImageProcess help = ImageProcess.start(Map.of(), "--help")) {
            assertEquals(0, help.waitFor());
            assertTrue(String.join("\n", help.stdoutLines()).contains("--validate-config"));
        }
        try (ImageProcess bad = ImageProcess.start(Map.of(), "--frobnicate")) {
            assertEquals(2, bad.waitFor());
            String err = String.join("\n", bad.stderrLines());
            assertTrue(err.contains("unknown option: --frobnicate") && err.contains("Usage:"), err);
            assertTrue(bad.stdoutLines().isEmpty());
        }
    }

    @Test
    void validateConfigNamesTheBadKeyAndNeverPrintsSecrets() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                databases:
                  - name: main
                    host: db.example
                    dbname: app
                    password: hunter2-secret
                    max_pool_size: 1000
                openai:
                  api_key: sk-live-very-secret
                server:
                  transprt: stdio
                """);
        try (ImageProcess check = ImageProcess.start(Map.of(), "--validate-config", "--config", bad.toString())) {
            assertEquals(1, check.waitFor());
            String out = String.join("\n", check.stdoutLines()) + String.join("\n", check.stderrLines());
            assertTrue(out.contains("databases[0].max_pool_size"), out);
            assertTrue(out.contains("server.transprt"), out);
            assertFalse(out.contains("hunter2-secret"), out);
            assertFalse(out.contains("sk-live-very-secret"), out);
        }
        try (ImageProcess ok = ImageProcess.start(Map.of(), "--validate-config", "--config",
                config("info").toString())) {
            assertEquals(0, ok.waitFor(), String.join("\n", ok.stdoutLines()));
        }
    }

    private static void assertNoNulls(JsonNode node, String line) {
        assertFalse(node.isNull(), "null in " + line);
        for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
            assertNoNulls(it.next(), line);
        }
    }
}
