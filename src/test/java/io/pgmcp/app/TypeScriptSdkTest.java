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
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.mcp.HttpTransport;
import io.pgmcp.testing.PostgresDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official MCP TypeScript SDK's Streamable HTTP client completes a session against pg-mcp
 * ({@code src/test/node/sdk-session.mjs}). Runs only where {@code node} is on the PATH and the SDK is
 * installed ({@code npm install} in {@code src/test/node}, or {@code PG_MCP_NODE_MODULES} naming a
 * {@code node_modules} directory); otherwise it is skipped with the reason — the build never needs the
 * network.
 */
class TypeScriptSdkTest {

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql("CREATE TABLE t (id int)",
            "CREATE TABLE invoice_payments (id int PRIMARY KEY, amount numeric(12,2) NOT NULL, paid_at timestamptz)");

    @TempDir
    Path dir;

    private static Path nodeModules() {
        String configured = System.getenv("PG_MCP_NODE_MODULES");
        Path modules = configured != null ? Path.of(configured) : Path.of("src/test/node/node_modules");
        if (!Files.isRegularFile(modules.resolve("@modelcontextprotocol/sdk/package.json"))) {
            Assumptions.abort("@modelcontextprotocol/sdk is not installed in " + modules.toAbsolutePath()
                    + " (run npm install in src/test/node, or set PG_MCP_NODE_MODULES)");
        }
        return modules.toAbsolutePath();
    }

    private static String node() {
        try {
            Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
                Assumptions.abort("node --version failed: " + out);
            }
            return out;
        } catch (IOException e) {
            Assumptions.abort("node is not on the PATH: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theTypeScriptSdkCompletesASession() throws Exception {
        Path modules = nodeModules();
        node();
        Path script = dir.resolve("sdk-session.mjs");
        Files.copy(Path.of("src/test/node/sdk-session.mjs"), script);
        Files.createSymbolicLink(dir.resolve("node_modules"), modules);

        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                databases:
                  - name: main
                    url: %s
                observability:
                  metrics:
                    enabled: false
                audit:
                  enabled: false
                """.formatted(db.get().postgresUrl()));
        PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
        ServerConfig s = config.server();
        config = config.withServer(new ServerConfig(s.maxResultRows(), s.maxResultBytes(), s.queryTimeout(),
                s.enableResultValidation(), s.enableExecuteSql(), s.maxSqlRetry(), s.cacheRefreshInterval(),
                Transport.HTTP,
                new HttpConfig("127.0.0.1", 0, List.of(new Secret("sdk-token")), List.of(), Optional.empty()),
                s.shutdownTimeout()));
        try (PgMcpServer server = new PgMcpServer(config, "test", AuditLog.disabled())) {
            HttpTransport transport = server.startHttp();
            Process run = new ProcessBuilder("node", script.toString(), transport.endpoint().toString(), "sdk-token",
                    "SELECT 41 + 1 AS answer").directory(dir.toFile()).start();
            OutputStream stdin = run.getOutputStream();
            stdin.close();
            boolean ended = run.waitFor(60, TimeUnit.SECONDS);
            String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String err = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!ended) {
                run.destroyForcibly();
            }
            assertTrue(ended, "the SDK session hung; stderr: " + err);
            assertEquals(0, run.exitValue(), "stdout: " + out + "\nstderr: " + err);
            JsonNode summary = HttpTestClient.JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
            assertEquals("pg-mcp", summary.get("server").asText());
            assertTrue(summary.get("tools").toString().contains("execute_sql"), summary.toString());
            assertTrue(summary.get("tools").toString().contains("search_schema"), summary.toString());
            assertEquals("public.invoice_payments", summary.at("/search/tables/0/table").asText(), summary.toString());
            assertEquals("[\"id\",\"amount\",\"paid_at\"]",
                    HttpTestClient.JSON.valueToTree(summary.at("/describe/columns").findValuesAsText("name"))
                            .toString());
            assertEquals("[\"public.invoice_payments\"]", summary.at("/completion/values").toString());
            assertEquals("TABLE_ACCESS_DENIED", summary.at("/missing/error_code").asText(), summary.toString());
            assertFalse(summary.get("isError").asBoolean(), summary.toString());
            assertEquals("[[42]]", summary.at("/structuredContent/result/rows").toString());
            assertTrue(summary.get("terminated").asBoolean(), "the session was ended with DELETE");
            assertEquals(0, transport.sessionCount());
        }
    }
}
