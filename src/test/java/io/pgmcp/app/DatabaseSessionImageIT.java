package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.testing.PostgresDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole stdio session of the built image against a real database, through every library path a
 * session takes: the YAML configuration with a {@code ${VAR}} (Jackson, SnakeYAML), the guard
 * (JSQLParser), pgjdbc with geometric, xml, json, numeric, time and bytea values, the schema resource
 * and the audit file. The image leaves out java.desktop, which jdeps finds referenced from Jackson,
 * SnakeYAML and pgjdbc: this session shows none of those references is reached.
 */
class DatabaseSessionImageIT {

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("""
            CREATE TABLE shapes (id int PRIMARY KEY, name text NOT NULL, spot point, trail point[], doc xml,
                                 meta jsonb, price numeric(10,2), seen timestamptz, raw bytea, secret text);
            INSERT INTO shapes VALUES (1, 'origin', point(1.5, 2), ARRAY[point(0, 0), point(3, 4)], '<a>b</a>',
                                       '{"k": [1, 2.50]}', 12.30, '2026-01-02 03:04:05+00', '\\x0102', 'hidden');
            """);

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";

    @TempDir
    Path dir;

    /** A configuration of the test database (the column {@code shapes.secret} denied), metrics off, with this audit line. */
    private Path config(String audit) throws java.io.IOException {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                databases:
                  - name: main
                    url: ${IT_DATABASE_URL}
                    access_policy:
                      columns:
                        denied: [shapes.secret]
                observability:
                  metrics:
                    enabled: false
                audit:
                  %s
                """.formatted(audit));
        return config;
    }

    @Test
    void servesAWholeSessionAgainstPostgres() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        Path config = config("file_path: " + audit);
        try (ImageProcess pgMcp = ImageProcess.start(Map.of("IT_DATABASE_URL", db.get().postgresUrl()), "--config",
                config.toString())) {
            JsonNode init = pgMcp.request(INITIALIZE);
            assertEquals("pg-mcp", init.at("/result/serverInfo/name").asText());
            assertEquals(System.getProperty("pgmcp.version"), init.at("/result/serverInfo/version").asText());
            pgMcp.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            JsonNode tools = pgMcp.request("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            assertTrue(tools.at("/result/tools").findValuesAsText("name").contains("execute_sql"), tools.toString());

            JsonNode schema = pgMcp.request(
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\",\"params\":{\"uri\":\"schema://main\"}}");
            String schemaText = schema.at("/result/contents/0/text").asText();
            assertTrue(schemaText.contains("shapes"), schema.toString());

            JsonNode call = pgMcp.request(
                    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_sql\","
                            + "\"arguments\":{\"sql\":\"SELECT id, name, spot, trail, doc, meta, price, seen, raw FROM shapes ORDER BY id\"}}}");
            JsonNode result = call.at("/result/structuredContent/result");
            assertFalse(call.at("/result/isError").asBoolean(), call.toString());
            JsonNode row = result.at("/rows/0");
            assertEquals(1, row.get(0).asInt());
            assertEquals("origin", row.get(1).asText());
            assertEquals("(1.5,2)", row.get(2).asText(), "a point, read by pgjdbc without java.awt");
            assertEquals("[\"(0,0)\",\"(3,4)\"]", row.get(3).toString());
            assertEquals("<a>b</a>", row.get(4).asText());
            assertTrue(row.get(5).isObject(), "jsonb embedded as JSON: " + row.get(5));
            assertEquals(2.5, row.get(5).at("/k/1").asDouble());
            assertTrue(row.get(6).isNumber(), "numeric as a JSON number: " + row.get(6));
            assertEquals(12.3, row.get(6).asDouble());
            assertTrue(row.get(7).asText().startsWith("2026-01-02T03:04:05"), row.get(7).toString());
            assertEquals("\\x0102", row.get(8).asText());

            JsonNode denied = pgMcp.request(
                    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_sql\","
                            + "\"arguments\":{\"sql\":\"SELECT secret FROM shapes\"}}}");
            assertEquals("COLUMN_ACCESS_DENIED", denied.at("/result/structuredContent/error_code").asText(),
                    denied.toString());

            assertEquals(0, pgMcp.closeStdinAndWait());
            List<String> events = Files.readAllLines(audit);
            assertEquals(2, events.size(), String.join("\n", events));
            String log = String.join("\n", pgMcp.stderrLines());
            assertFalse(
                    log.contains("NoClassDefFoundError") || log.contains("java.desktop") || log.contains("java.beans")
                            || log.contains("java.awt"),
                    log);
        }
    }

    /**
     * What a fresh process loads for its first query: no XML parser (plans are read as JSON), and pgjdbc's check of
     * {@code maxResultBuffer} against the heap (java.lang.management) from the AOT cache, because the build thread's
     * warm-up runs it in the training run too.
     */
    @Test
    void firstQueryLoadsNoXmlParserAndTheDriversHeapCheckComesFromTheAotCache() throws Exception {
        Path config = config("enabled: false");
        try (ImageProcess pgMcp = ImageProcess
                .start(Map.of("IT_DATABASE_URL", db.get().postgresUrl(), "PG_MCP_JAVA_OPTS",
                        "-Xlog:class+load=info:stderr"), "--config", config.toString())) {
            pgMcp.request(INITIALIZE);
            pgMcp.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            JsonNode call = pgMcp.request(
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"execute_sql\","
                            + "\"arguments\":{\"sql\":\"SELECT id, name FROM shapes WHERE id = 1\"}}}");
            assertFalse(call.at("/result/isError").asBoolean(), call.toString());
            assertEquals(0, pgMcp.closeStdinAndWait());
            List<String> loads = pgMcp.stderrLines().stream().filter(line -> line.contains("[class,load]")).toList();
            assertTrue(loads.size() > 1000, "the JVM's class loading log: " + loads.size() + " lines");
            List<String> xml = loads.stream().filter(line -> line.contains("source: jrt:/java.xml")).toList();
            assertEquals(List.of(), xml, "the EXPLAIN plan is read as JSON: no XML parser");
            List<String> management = loads.stream().filter(line -> line.contains(" java.lang.management.")).toList();
            assertFalse(management.isEmpty(), "pgjdbc checks maxResultBuffer against the heap's size: " + loads.size());
            assertEquals(List.of(),
                    management.stream().filter(line -> !line.endsWith("source: shared objects file")).toList(),
                    "java.lang.management comes from the AOT cache");
        }
    }
}
