package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.mcp.HttpTransport;
import io.pgmcp.testing.PostgresDatabase;
import io.pgmcp.testing.TestIssuer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pg-mcp as an OAuth 2.1 resource server in front of a team's database, with an authorization server inside the
 * test ({@link TestIssuer}: keys made per run): the Protected Resource Metadata, every refusal with its status
 * and {@code WWW-Authenticate}, and two principals that see different databases, tables and rows through the
 * same server — over raw HTTP and with the official TypeScript SDK.
 */
@Execution(ExecutionMode.SAME_THREAD) // one issuer whose keys a test rotates
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OAuthPrincipalsTest {
    static final String RESOURCE = "https://pg-mcp.test/mcp";
    static final String METADATA = "https://pg-mcp.test/.well-known/oauth-protected-resource/mcp";

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(TeamDeployment.SQL);

    @TempDir
    static Path dir;

    private static TestIssuer issuer;
    private static PgMcpServer server;
    private static HttpTransport transport;

    @BeforeAll
    static void start() throws Exception {
        issuer = new TestIssuer();
        server = TeamDeployment.server(TeamDeployment.config(db, dir, issuer.issuer(),
                "introspection: {endpoint: \"" + issuer.introspectionEndpoint() + "\", client_id: "
                        + TestIssuer.CLIENT_ID
                        + ", client_secret: " + TestIssuer.CLIENT_SECRET + "}",
                RESOURCE, "sub", List.of("mcp:query")));
        transport = server.startHttp();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    private static Map<String, Object> claims(String subject, String group) {
        Map<String, Object> claims = new HashMap<>(issuer.claims(subject, RESOURCE, Instant.now()));
        claims.put("scope", "openid mcp:query");
        if (group != null) {
            claims.put("groups", List.of(group));
        }
        return claims;
    }

    private static String token(String subject, String group) {
        return issuer.mint(claims(subject, group));
    }

    private static HttpTestClient client(String token) {
        HttpTestClient client = new HttpTestClient(transport.endpoint());
        return token == null ? client : client.header("Authorization", "Bearer " + token);
    }

    /** A stateless 2026-07-28 tools/list with {@code token}: the whole reply. */
    private static HttpTestClient.Reply toolsList(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(transport.endpoint()).timeout(HttpTestClient.TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", HttpTestClient.ACCEPT_BOTH)
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/list")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
                        + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"oauth-test\",\"version\":\"1\"},"
                        + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client(null).send(request);
    }

    private static void assertRefused(HttpTestClient.Reply reply, int status, String error) {
        assertEquals(status, reply.status(), reply.response().body());
        String challenge = reply.header("WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer resource_metadata=\"" + METADATA + "\""), challenge);
        if (error == null) {
            assertFalse(challenge.contains("error="), challenge);
        } else {
            assertTrue(challenge.contains("error=\"" + error + "\""), challenge);
        }
    }

    @Test
    void theProtectedResourceMetadataNamesTheResourceAndItsAuthorizationServer() throws Exception {
        for (String path : List.of("/.well-known/oauth-protected-resource/mcp",
                "/.well-known/oauth-protected-resource")) {
            HttpTestClient.Reply reply = client(null)
                    .send(HttpRequest.newBuilder(transport.endpoint().resolve(path)).GET());
            assertEquals(200, reply.status(), path);
            JsonNode metadata = HttpTestClient.JSON.readTree(reply.response().body());
            assertEquals(RESOURCE, metadata.get("resource").asText());
            assertEquals("[\"" + issuer.issuer() + "\"]", metadata.get("authorization_servers").toString());
            assertEquals("[\"mcp:query\"]", metadata.get("scopes_supported").toString());
            assertEquals("[\"header\"]", metadata.get("bearer_methods_supported").toString());
        }
    }

    @Test
    void everyBadTokenIsRefusedWithTheChallengeThatNamesTheMetadata() throws Exception {
        assertRefused(toolsList(null), 401, null);
        Map<String, Object> expired = claims("alice", "analysts");
        expired.put("exp", Instant.now().minusSeconds(3600).getEpochSecond());
        expired.put("iat", Instant.now().minusSeconds(7200).getEpochSecond());
        assertRefused(toolsList(issuer.mint(expired)), 401, "invalid_token");
        Map<String, Object> otherAudience = claims("alice", "analysts");
        otherAudience.put("aud", "https://another-resource.test/mcp");
        assertRefused(toolsList(issuer.mint(otherAudience)), 401, "invalid_token");
        Map<String, Object> otherIssuer = claims("alice", "analysts");
        otherIssuer.put("iss", "https://idp.elsewhere.test");
        assertRefused(toolsList(issuer.mint(otherIssuer)), 401, "invalid_token");
        assertRefused(toolsList(issuer.mint(Map.of("alg", "none"), claims("alice", "analysts"))), 401,
                "invalid_token");
        assertRefused(toolsList(issuer.mint(Map.of("alg", "HS256"), claims("alice", "analysts"))), 401,
                "invalid_token");
        assertRefused(toolsList(issuer.mint(Map.of("kid", "no-such-key"), claims("alice", "analysts"))), 401,
                "invalid_token");
        assertRefused(toolsList("not-a-token-at-all"), 401, "invalid_token");

        Map<String, Object> noScope = claims("alice", "analysts");
        noScope.put("scope", "openid");
        HttpTestClient.Reply stepUp = toolsList(issuer.mint(noScope));
        assertRefused(stepUp, 403, "insufficient_scope");
        assertTrue(stepUp.header("WWW-Authenticate").contains("scope=\"mcp:query\""),
                stepUp.header("WWW-Authenticate"));

        // a valid token of a caller no principals entry matches: authenticated, but nothing to see
        HttpTestClient.Reply nobody = toolsList(token("carol", null));
        assertEquals(403, nobody.status(), nobody.response().body());
        assertNull(nobody.header("WWW-Authenticate"), "not a token problem: a new token would not help");
        assertTrue(
                TeamDeployment.auditEvents(dir).stream().noneMatch(e -> e.path("principal").asText().equals("carol")));
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: the others' tokens are signed with the first key
    void aTokenSignedWithARotatedKeyIsAcceptedAfterTheKeysAreFetchedAgain() throws Exception {
        assertEquals(200, toolsList(token("alice", "analysts")).status());
        String before = issuer.rsaKid();
        int fetches = issuer.jwksRequests();
        issuer.rotate();
        assertNotEquals(before, issuer.rsaKid());
        // the keys are fetched again for an unknown kid at most once a second (jwks_min_refresh_interval): an
        // earlier unknown kid may have just used that second
        HttpTestClient.Reply reply = toolsList(token("alice", "analysts"));
        for (long deadline = System.nanoTime() + 10_000_000_000L; reply.status() == 401
                && System.nanoTime() < deadline;) {
            Thread.sleep(200);
            reply = toolsList(token("alice", "analysts"));
        }
        assertEquals(200, reply.status(), reply.response().body());
        assertTrue(reply.message().at("/result/tools").toString().contains("execute_sql"));
        assertTrue(issuer.jwksRequests() > fetches, "the new key came from a new fetch of the key set");
    }

    @Test
    void anOpaqueTokenIsIntrospectedAndItsCallerGetsItsOwnView() throws Exception {
        issuer.introspection(token -> {
            if (!token.equals("opaque-token-of-bob")) {
                return null; // {"active": false}
            }
            Map<String, Object> answer = claims("bob", "support");
            answer.put("active", true);
            return answer;
        });
        HttpTestClient bob = client("opaque-token-of-bob");
        bob.initialize();
        HttpTestClient.Reply rows = bob.call(2, "execute_sql",
                "{\"database\":\"shop\",\"sql\":\"" + TeamDeployment.TICKETS + "\"}");
        assertEquals("[[2,\"printer\"],[3,\"password reset\"]]",
                rows.answer().at("/result/structuredContent/result/rows").toString(), rows.response().body());
        assertRefused(toolsList("opaque-token-nobody-issued"), 401, "invalid_token");
        assertTrue(issuer.introspectionRequests() >= 2);
    }

    @Test
    void twoPrincipalsSeeTheirOwnDatabasesTablesAndRowsThroughTheSameServer() throws Exception {
        HttpTestClient alice = client(token("alice", "analysts"));
        alice.initialize();
        HttpTestClient.Reply rows = alice.call(2, "execute_sql",
                "{\"database\":\"shop\",\"sql\":\"" + TeamDeployment.TICKETS + "\"}");
        assertEquals("[[1,\"churn report\"]]", rows.answer().at("/result/structuredContent/result/rows").toString(),
                rows.response().body());

        HttpTestClient bob = client(token("bob", "support"));
        JsonNode bobInit = bob.initialize();
        String instructions = bobInit.get("instructions").asText();
        assertTrue(instructions.contains("shop") && !instructions.contains("ops"), instructions);
        HttpTestClient.Reply databases = bob.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"completion/complete\","
                + "\"params\":{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"schema://{database}/{table}\"},"
                + "\"argument\":{\"name\":\"database\",\"value\":\"\"}}}");
        assertEquals("[\"shop\"]", databases.message().at("/result/completion/values").toString(),
                databases.response().body());
        HttpTestClient.Reply tables = bob.post("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"completion/complete\","
                + "\"params\":{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"schema://{database}/{table}\"},"
                + "\"argument\":{\"name\":\"table\",\"value\":\"\"},\"context\":{\"arguments\":{\"database\":\"shop\"}}}}");
        assertEquals("[\"public.tickets\"]", tables.message().at("/result/completion/values").toString(),
                tables.response().body());
        HttpTestClient.Reply bobs = bob.call(2, "execute_sql",
                "{\"database\":\"shop\",\"sql\":\"" + TeamDeployment.TICKETS + "\"}");
        assertEquals("[[2,\"printer\"],[3,\"password reset\"]]",
                bobs.answer().at("/result/structuredContent/result/rows").toString(), bobs.response().body());
        HttpTestClient.Reply invoices = bob.call(3, "execute_sql",
                "{\"database\":\"shop\",\"sql\":\"SELECT amount FROM invoices\"}");
        assertTrue(invoices.answer().at("/result/isError").asBoolean(), invoices.response().body());
        // refused exactly as a table that does not exist: the answer does not tell bob that invoices exists
        HttpTestClient.Reply missing = bob.call(31, "execute_sql",
                "{\"database\":\"shop\",\"sql\":\"SELECT amount FROM receipts\"}");
        assertEquals(missing.answer().at("/result/structuredContent").toString().replace("receipts", "invoices"),
                invoices.answer().at("/result/structuredContent").toString());
        HttpTestClient.Reply ops = bob.call(4, "execute_sql", "{\"database\":\"ops\",\"sql\":\"SELECT 1\"}");
        assertEquals("UNKNOWN_DATABASE", ops.answer().at("/result/structuredContent/error_code").asText(),
                ops.response().body());
        assertEquals("[\"shop\"]", ops.answer().at("/result/structuredContent/details/available_databases")
                .toString(), ops.response().body());

        // alice's session does not answer bob, though his token is valid
        HttpTestClient stolen = client(token("bob", "support")).header("Mcp-Session-Id", alice.sessionId())
                .header("MCP-Protocol-Version", "2025-06-18");
        assertEquals(404, stolen.call(5, "execute_sql", "{\"database\":\"shop\",\"sql\":\"SELECT 1\"}").status());

        // the static token's principal sees ops only
        HttpTestClient ci = client(TeamDeployment.CI_TOKEN);
        ci.initialize();
        HttpTestClient.Reply list = ci.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/read\","
                + "\"params\":{\"uri\":\"databases://list\"}}");
        String text = list.message().at("/result/contents/0/text").asText();
        assertTrue(text.contains("- ops (") && !text.contains("shop"), text);

        List<JsonNode> events = TeamDeployment.auditEvents(dir);
        assertTrue(events.stream().anyMatch(e -> e.path("principal").asText().equals("alice")
                && e.path("database").asText().equals("shop")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.path("principal").asText().equals("bob")), events.toString());
    }

    @Test
    void theOfficialClientCompletesASessionAsEachPrincipal() throws Exception {
        URI endpoint = transport.endpoint();
        JsonNode alice = TeamDeployment.sdkSession(dir, endpoint, token("alice", "analysts"), TeamDeployment.TICKETS,
                "nowhere");
        TeamDeployment.assertAnalystsView(alice);
        JsonNode bob = TeamDeployment.sdkSession(dir, endpoint, token("bob", "support"), TeamDeployment.TICKETS,
                "ops");
        TeamDeployment.assertSupportView(bob);
    }
}
