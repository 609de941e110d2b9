package io.pgmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The realm as pg-mcp's resource server will see it, read from real tokens without any validation
 * library (base64url and Jackson only): who issued them, for which audience, groups and scope, and
 * which key signed them. Rotates the shared server's keys, hence the exclusive lock.
 */
@ResourceLock(Keycloak.LOCK)
class KeycloakTest {

    @RegisterExtension
    static final Keycloak.Fixture keycloak = Keycloak.fixture();

    private static final ObjectMapper json = new ObjectMapper();

    @Test
    void discoveryNamesTheIssuerAndTheJwksUri() throws IOException {
        Keycloak server = keycloak.get();
        JsonNode document;
        try (InputStream discovery = URI.create(server.issuer() + "/.well-known/openid-configuration").toURL()
                .openStream()) {
            document = json.readTree(discovery);
        }
        assertEquals("http://127.0.0.1:" + server.port() + "/realms/pgmcp", server.issuer());
        assertEquals(server.issuer(), document.path("issuer").asText());
        assertEquals(server.jwksUri(), document.path("jwks_uri").asText());
        assertEquals(server.tokenEndpoint(), document.path("token_endpoint").asText());
    }

    @Test
    void aliceTokenIsForTheResourceWithHerGroupAndTheQueryScope() throws IOException {
        Keycloak server = keycloak.get();
        JsonNode claims = payload(server.token(Keycloak.ALICE));
        assertEquals(server.issuer(), claims.path("iss").asText());
        // one audience is written as a string, not an array (RFC 7519 allows both)
        assertTrue(claims.path("aud").isTextual(), claims.toString());
        assertEquals(List.of(Keycloak.RESOURCE), audiences(claims));
        assertEquals(List.of("analysts"), strings(claims.path("groups")));
        assertTrue(scopes(claims).contains(Keycloak.SCOPE), claims.toString());
        assertEquals("alice", claims.path("preferred_username").asText());
        assertFalse(claims.path("sub").asText().isBlank(), claims.toString());
        assertEquals(Keycloak.CLIENT, claims.path("azp").asText());
        assertEquals(300, claims.path("exp").asLong() - claims.path("iat").asLong());
    }

    @Test
    void bobTokenCarriesHisGroupAndADifferentSubject() throws IOException {
        Keycloak server = keycloak.get();
        JsonNode bob = payload(server.token(Keycloak.BOB));
        JsonNode alice = payload(server.token(Keycloak.ALICE));
        assertEquals(List.of("support"), strings(bob.path("groups")));
        assertEquals(List.of(Keycloak.RESOURCE), audiences(bob));
        assertTrue(scopes(bob).contains(Keycloak.SCOPE), bob.toString());
        assertNotEquals(alice.path("sub").asText(), bob.path("sub").asText());
    }

    @Test
    void userWithoutAGroupGetsNoGroupsClaim() throws IOException {
        JsonNode carol = payload(keycloak.get().token(Keycloak.CAROL));
        assertTrue(carol.path("groups").isMissingNode(), carol.toString());
        assertEquals(List.of(Keycloak.RESOURCE), audiences(carol));
    }

    @Test
    void otherClientsTokenIsNeitherForTheResourceNorScoped() throws IOException {
        Keycloak server = keycloak.get();
        JsonNode claims = payload(server.token(Keycloak.OTHER_CLIENT, "alice", "alice-password"));
        assertEquals(server.issuer(), claims.path("iss").asText());
        assertFalse(audiences(claims).contains(Keycloak.RESOURCE), claims.toString());
        assertFalse(scopes(claims).contains(Keycloak.SCOPE), claims.toString());
        assertTrue(claims.path("groups").isMissingNode(), claims.toString());
    }

    @Test
    void wrongPasswordIsRefusedWith400InvalidGrant() {
        // RFC 6749 5.2: invalid_grant is a 400; Keycloak 26 follows it (older releases answered 401)
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> keycloak.get().token(Keycloak.CLIENT, "alice", "not-her-password"));
        assertTrue(refused.getMessage().contains("HTTP 400") && refused.getMessage().contains("invalid_grant"),
                refused.getMessage());
    }

    @Test
    void tokensAreSignedWithRs256ByAKeyOfTheJwks() throws IOException {
        Keycloak server = keycloak.get();
        JsonNode header = header(server.token(Keycloak.ALICE));
        assertEquals("RS256", header.path("alg").asText());
        assertEquals("JWT", header.path("typ").asText());
        JsonNode key = key(server.jwks(), header.path("kid").asText());
        assertEquals("RSA", key.path("kty").asText());
        assertEquals("sig", key.path("use").asText());
        assertEquals("RS256", key.path("alg").asText());
    }

    @Test
    void rotationKeepingTheOldKeyPassiveSignsWithTheNewOneAndStillPublishesTheOld() throws IOException {
        Keycloak server = keycloak.get();
        String before = header(server.token(Keycloak.ALICE)).path("kid").asText();
        String rotated = server.rotateKeys(Keycloak.RetiredKey.PASSIVE);
        assertNotEquals(before, rotated);
        assertEquals(rotated, header(server.token(Keycloak.ALICE)).path("kid").asText());
        String jwks = server.jwks();
        assertEquals("RS256", key(jwks, rotated).path("alg").asText());
        assertEquals("RS256", key(jwks, before).path("alg").asText());
    }

    @Test
    void rotationRemovingTheOldKeyDropsItFromTheJwks() throws IOException {
        Keycloak server = keycloak.get();
        String before = header(server.token(Keycloak.BOB)).path("kid").asText();
        String rotated = server.rotateKeys(Keycloak.RetiredKey.REMOVED);
        assertNotEquals(before, rotated);
        assertEquals(rotated, header(server.token(Keycloak.BOB)).path("kid").asText());
        Set<String> kids = kids(server.jwks());
        assertTrue(kids.contains(rotated), kids.toString());
        assertFalse(kids.contains(before), kids.toString());
    }

    private static JsonNode header(String token) throws IOException {
        return part(token, 0);
    }

    private static JsonNode payload(String token) throws IOException {
        return part(token, 1);
    }

    private static JsonNode part(String token, int index) throws IOException {
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, "a compact JWS has three parts");
        return json.readTree(Base64.getUrlDecoder().decode(parts[index]));
    }

    private static List<String> audiences(JsonNode claims) {
        JsonNode aud = claims.path("aud");
        return aud.isTextual() ? List.of(aud.asText()) : strings(aud);
    }

    private static List<String> scopes(JsonNode claims) {
        return List.of(claims.path("scope").asText().split(" "));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static JsonNode key(String jwks, String kid) throws IOException {
        for (JsonNode key : json.readTree(jwks).path("keys")) {
            if (key.path("kid").asText().equals(kid)) {
                return key;
            }
        }
        throw new AssertionError("kid " + kid + " is not in the JWKS " + jwks);
    }

    private static Set<String> kids(String jwks) throws IOException {
        Set<String> kids = new TreeSet<>();
        json.readTree(jwks).path("keys").forEach(key -> kids.add(key.path("kid").asText()));
        return kids;
    }
}
