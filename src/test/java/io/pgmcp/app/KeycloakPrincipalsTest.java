package io.pgmcp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.mcp.HttpTestClient;
import io.pgmcp.mcp.HttpTransport;
import io.pgmcp.testing.Keycloak;
import io.pgmcp.testing.PostgresDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The team deployment of {@link TeamDeployment} with Keycloak as the identity provider: alice (group analysts)
 * and bob (group support) log in with the password grant, and the official TypeScript SDK, with each one's access
 * token, sees that principal's databases, tables and rows; a token Keycloak minted for another client (not for
 * this resource) is refused; after Keycloak rotates its signing key, a new token is accepted. Skipped, with the
 * reason, where Keycloak cannot run.
 */
@ResourceLock(Keycloak.LOCK) // rotates the shared Keycloak's key
class KeycloakPrincipalsTest {
    @RegisterExtension
    static final Keycloak.Fixture keycloak = Keycloak.fixture();

    @RegisterExtension
    static final PostgresDatabase db = PostgresDatabase.withSql(TeamDeployment.SQL);

    @TempDir
    Path dir;

    @Test
    void eachKeycloakUserSeesOnlyItsPrincipalsDatabasesTablesAndRows() throws Exception {
        Keycloak idp = keycloak.get();
        try (PgMcpServer server = TeamDeployment.server(TeamDeployment.config(db, dir, idp.issuer(), Keycloak.RESOURCE,
                "preferred_username", List.of(Keycloak.SCOPE)))) {
            HttpTransport transport = server.startHttp();

            JsonNode alice = TeamDeployment.sdkSession(dir, transport.endpoint(), idp.token(Keycloak.ALICE),
                    TeamDeployment.TICKETS, "nowhere");
            TeamDeployment.assertAnalystsView(alice);
            JsonNode bob = TeamDeployment.sdkSession(dir, transport.endpoint(), idp.token(Keycloak.BOB),
                    TeamDeployment.TICKETS, "ops");
            TeamDeployment.assertSupportView(bob);

            List<JsonNode> events = TeamDeployment.auditEvents(dir);
            assertTrue(events.stream().anyMatch(e -> e.path("principal").asText().equals("alice")), events.toString());
            assertTrue(events.stream().anyMatch(e -> e.path("principal").asText().equals("bob")), events.toString());

            // carol is a Keycloak user in no group: her token is good, but no principals entry is hers
            HttpTestClient carol = new HttpTestClient(transport.endpoint()).header("Authorization",
                    "Bearer " + idp.token(Keycloak.CAROL));
            assertEquals(403, carol.post(INITIALIZE).status());
            // a token Keycloak minted for another client names neither this resource nor its scope
            HttpTestClient other = new HttpTestClient(transport.endpoint()).header("Authorization",
                    "Bearer " + idp.token(Keycloak.OTHER_CLIENT, "alice", "alice-password"));
            HttpTestClient.Reply refused = other.post(INITIALIZE);
            assertEquals(401, refused.status(), refused.response().body());
            assertTrue(refused.header("WWW-Authenticate").contains("error=\"invalid_token\""),
                    refused.header("WWW-Authenticate"));

            String newKid = idp.rotateKeys(Keycloak.RetiredKey.REMOVED);
            String token = idp.token(Keycloak.ALICE);
            String header = new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(header.contains("\"" + newKid + "\""), "signed with the new key: " + header);
            HttpTestClient.Reply after = new HttpTestClient(transport.endpoint())
                    .header("Authorization", "Bearer " + token).post(INITIALIZE);
            for (long deadline = System.nanoTime() + 10_000_000_000L; after.status() == 401
                    && System.nanoTime() < deadline;) {
                Thread.sleep(200); // a kid unknown within the last second waits for the next fetch
                after = new HttpTestClient(transport.endpoint()).header("Authorization", "Bearer " + token)
                        .post(INITIALIZE);
            }
            assertEquals(200, after.status(), after.response().body());
        }
    }

    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
            "capabilities":{},"clientInfo":{"name":"keycloak-test","version":"1"}}}""";
}
