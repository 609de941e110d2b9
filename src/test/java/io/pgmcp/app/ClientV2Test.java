package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.config.Transport;
import io.pgmcp.mcp.HttpTransport;
import io.pgmcp.testing.PostgresDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP client 2.x ({@code @modelcontextprotocol/client} 2.4.0, {@code src/test/node/v2-session.mjs})
 * completes a whole session against pg-mcp's Streamable HTTP endpoint — connect, tools/list, execute_sql,
 * resources/list and read, an unknown tool, an unknown resource — in modern-only, pinned-2026-07-28,
 * auto and legacy mode. Skipped without Node or the package.
 */
class ClientV2Test {

    static final List<String> STEPS = List.of("connect", "tools/list", "execute_sql", "resources/list",
            "resources/read",
            "unknown tool", "unknown resource", "close");

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int)");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"modern", "pinned", "auto", "legacy"})
    void clientV2CompletesASessionOverHttp(String mode) throws Exception {
        NodeClients node = NodeClients.in(dir, "v2-session.mjs", "@modelcontextprotocol/client");
        Path file = writeConfig(dir, db.get().postgresUrl());
        PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
        ServerConfig s = config.server();
        config = config.withServer(new ServerConfig(s.maxResultRows(), s.maxResultBytes(), s.queryTimeout(),
                s.enableResultValidation(), s.enableExecuteSql(), s.maxSqlRetry(), s.cacheRefreshInterval(),
                Transport.HTTP,
                new HttpConfig("127.0.0.1", 0, List.of(new Secret("client-v2-token-01")), List.of(), Optional.empty()),
                s.shutdownTimeout()));
        try (PgMcpServer server = new PgMcpServer(config, "test", AuditLog.disabled())) {
            HttpTransport transport = server.startHttp();
            NodeClients.Run run = node.run("v2-session.mjs", mode, "http", transport.endpoint().toString(),
                    "client-v2-token-01");
            assertEquals(0, run.exitCode(), run::toString);
            JsonNode summary = run.summary();
            assertSession(summary, !mode.equals("legacy"));
            if (mode.equals("legacy")) {
                assertFalse(summary.get("sessionId").isNull(), "a 2025 session over HTTP: " + summary);
            } else {
                assertTrue(summary.get("sessionId").isNull(), "no session in the modern era: " + summary);
                assertEquals("private", summary.get("resourcesCacheScope").asText(),
                        "tokens tell callers apart: " + summary);
                assertEquals(0, transport.sessionCount());
            }
        }
    }

    /** The config both client tests serve: one database, metrics and audit off. */
    static Path writeConfig(Path dir, String databaseUrl) throws java.io.IOException {
        return Files.writeString(dir.resolve("config.yaml"), """
                databases:
                  - name: main
                    url: %s
                observability:
                  metrics:
                    enabled: false
                audit:
                  enabled: false
                """.formatted(databaseUrl));
    }

    /** What every full session shows, in either era. */
    static void assertSession(JsonNode summary, boolean modern) {
        assertEquals(STEPS.toString(), summary.get("steps").toString().replace("\"", "").replace(",", ", "),
                summary::toString);
        assertEquals(modern ? "modern" : "legacy", summary.get("era").asText(), summary::toString);
        assertEquals(modern ? "2026-07-28" : "2025-11-25", summary.get("protocolVersion").asText(), summary::toString);
        assertEquals("pg-mcp", summary.get("server").asText());
        for (String tool : List.of("execute_sql", "search_schema", "describe_table", "list_tables", "refresh_schema")) {
            assertTrue(summary.get("tools").toString().contains("\"" + tool + "\""),
                    () -> tool + " not listed: " + summary);
        }
        assertFalse(summary.get("isError").asBoolean(), summary::toString);
        assertEquals("[[42]]", summary.get("rows").toString(), summary::toString);
        assertTrue(summary.get("resources").toString().contains("databases://list"), summary::toString);
        assertTrue(summary.get("readText").asText().contains("main"), summary::toString);
        assertEquals(-32602, summary.at("/unknownTool/code").asInt(), summary::toString);
        assertEquals(-32602, summary.at("/unknownResource/code").asInt(), summary::toString);
        if (modern) {
            assertEquals(300_000, summary.get("toolsTtlMs").asInt(), summary::toString);
        }
    }
}
