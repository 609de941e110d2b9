package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.audit.AuditLog;
import io.pgmcp.config.ConfigLoader;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.PgMcpConfig;
import io.pgmcp.config.ServerConfig;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.resilience.Ticker;
import io.pgmcp.sql.LiteralRedactor;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.SetupScript;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A team deployment for the per-caller identity tests: one PostgreSQL database served under two names, {@code shop}
 * and {@code ops}; the roles {@code team_analyst} and {@code team_support}; a table {@code tickets} with row-level
 * security (a role sees its team's rows) and a table {@code invoices}; and the principals:
 *
 * <ul>
 * <li>{@code analysts} (claim {@code groups} holds {@code analysts}): {@code shop} as {@code team_analyst}, and
 * {@code ops} as the login role;
 * <li>{@code support} (group {@code support}): {@code shop} as {@code team_support}, {@code invoices} denied;
 * <li>{@code ci} (the static token named {@code ci-bot}): {@code ops} only.
 * </ul>
 */
final class TeamDeployment {
    static final String CI_TOKEN = "ci-bot-token-0123456789";
    /** The rows of {@code tickets}: each team's. */
    static final String SQL = SetupScript.rolesIfMissing("team_analyst", "team_support") + """
            CREATE TABLE tickets (id int PRIMARY KEY, team text NOT NULL, body text NOT NULL);
            INSERT INTO tickets VALUES (1, 'team_analyst', 'churn report'), (2, 'team_support', 'printer'),
              (3, 'team_support', 'password reset');
            ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
            CREATE POLICY team_rows ON tickets USING (team = current_user);
            CREATE TABLE invoices (id int PRIMARY KEY, amount numeric(10,2) NOT NULL);
            INSERT INTO invoices VALUES (1, 10.50);
            GRANT SELECT ON tickets, invoices TO team_analyst, team_support;
            """;

    private TeamDeployment() {}

    /**
     * The configuration, served over HTTP on any free port.
     *
     * @param issuer         the trusted authorization server
     * @param resource       this server's resource URI (the audience its tokens must name)
     * @param principalClaim the claim naming a caller
     * @param scopes         the scopes every token must carry
     */
    static PgMcpConfig config(PostgresDatabase db, Path dir, String issuer, String resource, String principalClaim,
            List<String> scopes) throws Exception {
        return config(db, dir, issuer, "", resource, principalClaim, scopes);
    }

    /** As above, with {@code issuerExtra} (YAML flow members, e.g. an introspection endpoint) for the issuer. */
    static PgMcpConfig config(PostgresDatabase db, Path dir, String issuer, String issuerExtra, String resource,
            String principalClaim, List<String> scopes) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                databases:
                  - name: shop
                    url: %1$s
                  - name: ops
                    url: %1$s
                    access_policy:
                      tables:
                        allowed: [invoices]
                server:
                  transport: http
                  http:
                    auth_tokens:
                      - {name: ci-bot, token: %2$s}
                    oauth:
                      resource: "%3$s"
                      authorization_servers:
                        - {issuer: "%4$s"%8$s}
                      principal_claim: %5$s
                      jwks_min_refresh_interval: 1
                      required_scopes: %6$s
                principals:
                  - name: analysts
                    match: {claim: groups, value: analysts}
                    databases:
                      - {name: shop, role: team_analyst}
                      - {name: ops}
                  - name: support
                    match: {claim: groups, value: support}
                    databases:
                      - name: shop
                        role: team_support
                        access_policy:
                          tables: {denied: [invoices]}
                  - name: ci
                    match: {token: ci-bot}
                    databases: [{name: ops}]
                observability:
                  metrics:
                    enabled: false
                audit:
                  file_path: %7$s
                """.formatted(db.get().postgresUrl(), CI_TOKEN, resource, issuer, principalClaim,
                HttpTestClient.JSON.writeValueAsString(scopes), auditFile(dir),
                issuerExtra.isEmpty() ? "" : ", " + issuerExtra));
        PgMcpConfig config = new ConfigLoader(Map.of("HOME", dir.toString())).load(file).config();
        ServerConfig s = config.server();
        HttpConfig h = s.http();
        HttpConfig anyPort = new HttpConfig(h.host(), 0, h.authTokens(), h.allowedOrigins(), h.tls(), h.maxSessions(),
                h.maxSessionsPerClient(), h.sessionIdleTimeout(), h.requestReadTimeout(), h.oauth());
        return config.withServer(new ServerConfig(s.maxResultRows(), s.maxResultBytes(), s.queryTimeout(),
                s.enableResultValidation(), s.enableExecuteSql(), s.maxSqlRetry(), s.cacheRefreshInterval(),
                s.transport(), anyPort, s.shutdownTimeout()));
    }

    static Path auditFile(Path dir) {
        return dir.resolve("audit.jsonl");
    }

    static PgMcpServer server(PgMcpConfig config) throws Exception {
        AuditLog audit = AuditLog.open(config.audit(), new LiteralRedactor(), io.pgmcp.db.AuditTableWriter::new,
                OutputStream.nullOutputStream(), OutputStream.nullOutputStream(), Ticker.system());
        return new PgMcpServer(config, "test", audit);
    }

    /** The audit events of {@code dir}'s deployment, parsed. */
    static List<JsonNode> auditEvents(Path dir) throws IOException {
        return Files.readAllLines(auditFile(dir)).stream().map(line -> {
            try {
                return HttpTestClient.JSON.readTree(line);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    /**
     * One session of the official TypeScript SDK ({@code src/test/node/principal-session.mjs}) with
     * {@code token}: the databases it is shown, their tables, the rows of {@code sql} in each, and its call on
     * {@code other}. Skipped where node or the SDK is missing.
     */
    static JsonNode sdkSession(Path dir, java.net.URI endpoint, String token, String sql, String other)
            throws Exception {
        Path modules = Path.of(System.getenv().getOrDefault("PG_MCP_NODE_MODULES", "src/test/node/node_modules"));
        Assumptions.assumeTrue(Files.isRegularFile(modules.resolve("@modelcontextprotocol/sdk/package.json")),
                "@modelcontextprotocol/sdk is not installed in " + modules.toAbsolutePath()
                        + " (run npm install in src/test/node, or set PG_MCP_NODE_MODULES)");
        Path script = dir.resolve("principal-session.mjs");
        if (!Files.exists(script)) {
            Files.copy(Path.of("src/test/node/principal-session.mjs"), script);
            Files.createSymbolicLink(dir.resolve("node_modules"), modules.toAbsolutePath());
        }
        Process run;
        try {
            run = new ProcessBuilder("node", script.toString(), endpoint.toString(), token, sql, other)
                    .directory(dir.toFile()).start();
        } catch (IOException e) {
            Assumptions.abort("node is not on the PATH: " + e.getMessage());
            throw e;
        }
        run.getOutputStream().close();
        boolean ended = run.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            run.destroyForcibly();
        }
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(ended, "the SDK session hung; stderr: " + err);
        assertEquals(0, run.exitValue(), "stdout: " + out + "\nstderr: " + err);
        return HttpTestClient.JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    /** The analysts' session: both databases, all of shop's tables, the analysts' row only. */
    static void assertAnalystsView(JsonNode session) {
        assertEquals("[\"shop\",\"ops\"]", session.get("databases").toString(), session.toString());
        assertEquals("[\"public.invoices\",\"public.tickets\"]", session.at("/tables/shop").toString(),
                session.toString());
        assertEquals("[\"public.invoices\"]", session.at("/tables/ops").toString(), session.toString());
        assertEquals("[[1,\"churn report\"]]", session.at("/rows/shop").toString(), session.toString());
    }

    /** The support session: shop only, without invoices, the support rows only; ops is unknown to it. */
    static void assertSupportView(JsonNode session) {
        assertEquals("[\"shop\"]", session.get("databases").toString(), session.toString());
        assertTrue(!session.get("databasesText").asText().contains("ops"), session.toString());
        assertEquals("[\"public.tickets\"]", session.at("/tables/shop").toString(), session.toString());
        assertEquals("[[2,\"printer\"],[3,\"password reset\"]]", session.at("/rows/shop").toString(),
                session.toString());
        assertTrue(session.at("/refused/isError").asBoolean(), session.toString());
        assertEquals("UNKNOWN_DATABASE", session.at("/refused/content/error_code").asText(), session.toString());
        assertEquals("[\"shop\"]", session.at("/refused/content/details/available_databases").toString(),
                "the refusal lists only the caller's own databases: " + session);
    }

    /** The SQL both sessions run in each of their databases. */
    static final String TICKETS = "SELECT id, body FROM tickets ORDER BY id";
}
