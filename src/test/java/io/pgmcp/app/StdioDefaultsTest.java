package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.llm.StubLlmServer;
import io.pgmcp.mcp.FeedInputStream;
import io.pgmcp.mcp.LineOutputStream;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.LiteralRedactor;
import io.pgmcp.testing.PostgresDatabase;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defaults fit one assistant on one desktop: a real pg-mcp (composition root, real PostgreSQL)
 * served in-process over stdio, with nothing configured but the database and the audit file.
 */
@Timeout(120)
class StdioDefaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE items (id int PRIMARY KEY, name text)",
            "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g", "ANALYZE items");

    @TempDir
    Path dir;

    private PgMcpServer server(String extra) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                databases:
                  - name: main
                    url: %s
                    min_pool_size: 0
                audit:
                  file_path: %s
                %s
                """.formatted(db.get().postgresUrl(), dir.resolve("audit.jsonl"), extra));
        PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
        AuditLog audit = AuditLog.open(config.audit(), new LiteralRedactor(), io.pgmcp.db.AuditTableWriter::new,
                OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), Ticker.system());
        return new PgMcpServer(config, "test", audit);
    }

    @Test
    void aHundredQuickExecuteSqlCallsAreNeverRefusedWithTheDefaults() throws Exception {
        try (PgMcpServer server = server(""); Session session = new Session(server)) {
            for (int i = 1; i <= 100; i++) {
                JsonNode result = session.call(i, "execute_sql",
                        "{\"sql\":\"SELECT id, name FROM items WHERE id = " + i + "\"}");
                assertTrue(result.at("/structuredContent/success").asBoolean(),
                        "call " + i + " was answered: " + result);
                assertEquals(i, result.at("/structuredContent/result/rows/0/0").asInt());
            }
            assertEquals(Optional.empty(), server.metricsPort(), "no metrics endpoint on stdio by default");
        }
    }

    @Test
    void withoutAnLlmTheQueryToolIsNotListedAndTheInstructionsSayHowToEnableIt() throws Exception {
        try (PgMcpServer server = server(""); Session session = new Session(server)) {
            String instructions = session.initializeResult().get("instructions").asText();
            assertTrue(instructions.contains("PG_MCP_OPENAI_API_KEY") && instructions.contains("openai.base_url"),
                    instructions);

            JsonNode tools = session.request(2, "tools/list", "{}").at("/result/tools");
            assertTrue(tools.toString().contains("\"execute_sql\""), tools.toString());
            for (JsonNode tool : tools) {
                assertFalse(tool.get("name").asText().equals("query"), "query is listed: " + tools);
            }

            JsonNode query = session.request(3, "tools/call",
                    "{\"name\":\"query\",\"arguments\":{\"question\":\"how many?\"}}");
            JsonNode unknown = session.request(4, "tools/call", "{\"name\":\"no_such_tool\",\"arguments\":{}}");
            assertEquals(-32602, query.at("/error/code").asInt(), query.toString());
            assertEquals("Unknown tool: query", query.at("/error/message").asText());
            assertEquals(unknown.at("/error/code"), query.at("/error/code"), "the same answer as any unknown tool");
        }
    }

    @Test
    void queryCallsOnStdioStayRequestLimitedWhileExecuteSqlIsNot() throws Exception {
        try (StubLlmServer stub = StubLlmServer.start()) {
            String answer = "{\"sql\": \"SELECT count(*) AS n FROM items\", \"explanation\": \"counts\"}";
            stub.replyJson(answer).replyJson(answer);
            String extra = """
                    openai: {api_key: sk-test-key, model: stub-model, base_url: "%s", timeout: 5}
                    rate_limit: {per_client_per_minute: 2}
                    """.formatted(stub.baseUrl());
            try (PgMcpServer server = server(extra); Session session = new Session(server)) {
                String question = "{\"question\":\"how many items?\"}";
                assertTrue(session.call(1, "query", question).at("/structuredContent/success").asBoolean());
                assertTrue(session.call(2, "query", question).at("/structuredContent/success").asBoolean());
                JsonNode third = session.call(3, "query", question);
                assertEquals("RATE_LIMIT_EXCEEDED", third.at("/structuredContent/error_code").asText(),
                        third.toString());
                assertEquals("per_client_per_minute", third.at("/structuredContent/details/limit_type").asText());
                assertEquals(2, stub.requests().size(), "the refused call never reached the LLM");
                for (int i = 4; i < 10; i++) {
                    assertTrue(session.call(i, "execute_sql", "{\"sql\":\"SELECT id FROM items WHERE id = 1\"}")
                            .at("/structuredContent/success").asBoolean(),
                            "execute_sql is not request-limited on stdio");
                }
            }
        }
    }

    @Test
    void metricsServedOnStdioOnlyWhenEnabled() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (PgMcpServer server = server("observability: {metrics: {enabled: true, port: " + port + "}}")) {
            assertEquals(Optional.of(port), server.metricsPort());
        }
    }

    @Test
    void aStdioConfigurationIsNeverServedOverHttp() throws Exception {
        try (PgMcpServer server = server("")) {
            assertThrows(IllegalStateException.class, server::startHttp,
                    "its tools are not request-limited the way a network server's must be");
        }
    }

    /** One MCP session over in-process stdio: requests one at a time, each answer awaited. */
    private static final class Session implements AutoCloseable {
        private final FeedInputStream in = new FeedInputStream();
        private final LineOutputStream out = new LineOutputStream();
        private final Thread serving;
        private final JsonNode initializeResult;

        Session(PgMcpServer server) throws Exception {
            serving = Thread.ofVirtual().start(() -> server.serveStdio(in, out));
            initializeResult = request(0, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"defaults-test\",\"version\":\"1\"}}").get("result");
            assertNotNull(initializeResult);
            in.feed("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        }

        JsonNode initializeResult() {
            return initializeResult;
        }

        /** The {@code result} of a {@code tools/call}. */
        JsonNode call(int id, String tool, String arguments) throws Exception {
            JsonNode response = request(id, "tools/call",
                    "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}");
            assertTrue(response.has("result"), response.toString());
            return response.get("result");
        }

        JsonNode request(int id, String method, String params) throws Exception {
            in.feed("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params
                    + "}\n");
            while (true) {
                String line = out.lines().poll(30, TimeUnit.SECONDS);
                assertNotNull(line, "no answer to request " + id);
                JsonNode message = JSON.readTree(line);
                if (message.has("id") && message.get("id").asInt() == id) {
                    return message;
                }
            }
        }

        @Override
        public void close() {
            in.end();
            try {
                serving.join(java.time.Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
