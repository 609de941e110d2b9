package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding {@code server.http.auth_tokens} (plain and named) and {@code server.http.oauth}. */
class HttpAuthConfigTest {
    private static final String SECRET = "client-Sup3rS3cret-value";
    private static final String OAUTH = """
            server:
              http:
                oauth:
                  resource: https://mcp.example.com/mcp
                  authorization_servers:
                    - issuer: https://idp.example.com/realms/team
            """;

    @TempDir
    Path dir;

    private ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private HttpConfig http(String yaml) throws ConfigException {
        return fixture.load(ConfigFixture.MINIMAL_DATABASE + yaml).config().server().http();
    }

    private List<String> errors(String yaml) {
        List<String> errors = fixture.errors(ConfigFixture.MINIMAL_DATABASE + yaml);
        for (String error : errors) {
            assertFalse(error.contains(SECRET), "secret leaked: " + error);
            assertFalse(error.contains("0123456789abcdef"), "token leaked: " + error);
        }
        return errors;
    }

    @Test
    void bindsPlainAndNamedTokens() throws ConfigException {
        HttpConfig http = http("""
                server:
                  http:
                    auth_tokens:
                      - plain-0123456789abcdef
                      - name: ci-bot
                        token: named-0123456789abcdef
                """);

        assertEquals(List.of(NamedToken.unnamed(new Secret("plain-0123456789abcdef")),
                new NamedToken("ci-bot", new Secret("named-0123456789abcdef"))), http.authTokens());
        assertTrue(http.authTokens().getFirst().name().matches("token-[0-9a-f]{8}"));
        assertFalse(http.toString().contains("0123456789abcdef"), http.toString());
    }

    @Test
    void rejectsBadTokenNamesDuplicatesAndShortTokens() {
        assertEquals(List.of("server.http.auth_tokens[0].name: \"ci bot\" must be 1-64 characters of A-Z, a-z, 0-9,"
                + " '.', '_', '@' and '-'"),
                errors("server: {http: {auth_tokens: [{name: ci bot, token: a-0123456789abcdef}]}}\n"));
        assertEquals(List.of("server.http: auth_tokens: the name \"ci\" is given to more than one token"),
                errors("server: {http: {auth_tokens: [{name: ci, token: a-0123456789abcdef},"
                        + " {name: ci, token: b-0123456789abcdef}]}}\n"));
        assertEquals(List.of("server.http: auth_tokens: the token of \"b\" is also given under another name"),
                errors("server: {http: {auth_tokens: [{name: a, token: a-0123456789abcdef},"
                        + " {name: b, token: a-0123456789abcdef}]}}\n"));
        assertEquals(List.of("server.http.auth_tokens[0].token: a bearer token needs at least 16 characters and no"
                + " spaces (5 given); make one with `openssl rand -base64 32`"),
                errors("server: {http: {auth_tokens: [{name: a, token: short}]}}\n"));
        assertEquals(List.of("server.http.auth_tokens[0].token: required"),
                errors("server: {http: {auth_tokens: [{name: a}]}}\n"));
        assertEquals(List.of("server.http.auth_tokens[0].token: required",
                "server.http.auth_tokens[0].tokn: unknown key (did you mean 'token'?)"),
                errors("server: {http: {auth_tokens: [{name: a, tokn: x-0123456789abcdef}]}}\n"));
        assertEquals(List.of("server.http.auth_tokens[0]: expected a string or a mapping, got a number (<redacted>);"
                + " put the value in quotes"), errors("server: {http: {auth_tokens: [12345678901234567]}}\n"));
    }

    @Test
    void bindsOAuthWithDefaults() throws ConfigException {
        OAuthConfig oauth = http(OAUTH).oauth().orElseThrow();

        assertEquals("https://mcp.example.com/mcp", oauth.resource());
        AuthorizationServerConfig server = oauth.authorizationServers().getFirst();
        assertEquals("https://idp.example.com/realms/team", server.issuer());
        assertEquals(List.of(JwsAlgorithm.RS256), server.algorithms());
        assertEquals(Optional.empty(), server.jwksUri());
        assertEquals(Optional.empty(), server.introspection());
        assertEquals(List.of(), oauth.requiredScopes());
        assertEquals("sub", oauth.principalClaim());
        assertEquals(Duration.ofSeconds(60), oauth.clockSkew());
        assertEquals(Duration.ofSeconds(30), oauth.jwksMinRefreshInterval());
        assertEquals(Duration.ofSeconds(5), oauth.httpTimeout());
        assertEquals(Optional.empty(), http("").oauth());
    }

    @Test
    void bindsEveryOAuthSetting() throws ConfigException {
        OAuthConfig oauth = http("""
                server:
                  http:
                    host: 0.0.0.0
                    oauth:
                      resource: https://mcp.example.com/mcp
                      authorization_servers:
                        - issuer: https://idp.example.com/realms/team
                          algorithms: [ES256, EdDSA, PS512]
                          jwks_uri: https://idp.example.com/keys
                          introspection:
                            endpoint: https://idp.example.com/introspect
                            client_id: pg-mcp
                            client_secret: %s
                        - issuer: http://127.0.0.1:9000
                      required_scopes: [db:read]
                      principal_claim: email
                      clock_skew: 0
                      jwks_min_refresh_interval: 3600
                      http_timeout: 60
                """.formatted(SECRET)).oauth().orElseThrow();

        AuthorizationServerConfig first = oauth.authorizationServers().getFirst();
        assertEquals(List.of(JwsAlgorithm.ES256, JwsAlgorithm.EDDSA, JwsAlgorithm.PS512), first.algorithms());
        assertEquals(Optional.of(URI.create("https://idp.example.com/keys")), first.jwksUri());
        IntrospectionConfig introspection = first.introspection().orElseThrow();
        assertEquals("pg-mcp", introspection.clientId());
        assertEquals(SECRET, introspection.clientSecret().reveal());
        assertFalse(oauth.toString().contains(SECRET), oauth.toString());
        assertEquals(2, oauth.authorizationServers().size());
        assertEquals(List.of("db:read"), oauth.requiredScopes());
        assertEquals("email", oauth.principalClaim());
        assertEquals(Duration.ZERO, oauth.clockSkew());
        assertEquals(Duration.ofHours(1), oauth.jwksMinRefreshInterval());
        assertEquals(Duration.ofMinutes(1), oauth.httpTimeout());
    }

    @Test
    void oauthAloneAllowsANonLoopbackHost() throws ConfigException {
        assertEquals("0.0.0.0", http(OAUTH.replace("  http:\n", "  http:\n    host: 0.0.0.0\n")).host());
    }

    @Test
    void withOAuthLetsAWildcardHostGoWithoutStaticTokens() throws ConfigException {
        OAuthConfig oauth = http(OAUTH).oauth().orElseThrow();
        HttpConfig local = HttpConfig.defaults();
        assertFalse(local.authenticates());

        HttpConfig withOAuth = local.withOAuth(Optional.of(oauth));

        assertTrue(withOAuth.authenticates());
        assertEquals(Optional.of(oauth), withOAuth.oauth());
        assertEquals(local, withOAuth.withOAuth(Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new HttpConfig("0.0.0.0", 8080, List.of(), List.of(),
                Optional.empty(), 10, 5, Duration.ofMinutes(1), Duration.ofSeconds(30), Optional.empty()));
        assertEquals("0.0.0.0", new HttpConfig("0.0.0.0", 8080, List.of(), List.of(), Optional.empty(), 10, 5,
                Duration.ofMinutes(1), Duration.ofSeconds(30), Optional.of(oauth)).host());
    }

    @Test
    void rejectsAlgNoneAndHmac() {
        String yaml = OAUTH + "          algorithms: [%s]\n";
        assertEquals(List.of("server.http.oauth.authorization_servers[0].algorithms: \"none\" is not allowed: only"
                + " asymmetric signatures are accepted (none and HMAC would let anyone mint tokens); use one of [RS256,"
                + " RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA]",
                "server.http.oauth.authorization_servers[0].algorithms: must name at least one algorithm"),
                errors(yaml.formatted("none")));
        assertTrue(errors(yaml.formatted("RS256, HS256")).getFirst()
                .startsWith("server.http.oauth.authorization_servers[0].algorithms: \"HS256\" is not allowed"));
        assertTrue(errors(yaml.formatted("rs256")).getFirst()
                .startsWith("server.http.oauth.authorization_servers[0].algorithms: \"rs256\" is not one of"));
    }

    @Test
    void rejectsMissingOrBadResourceAndIssuers() {
        assertEquals(List.of("server.http.oauth.resource: required: this server's resource URI, the audience its"
                + " tokens must name (e.g. https://mcp.example.com/mcp)"),
                errors("server: {http: {oauth: {authorization_servers: [{issuer: https://idp.example.com}]}}}\n"));
        assertEquals(List.of("server.http.oauth.resource: \"https://mcp.example.com/mcp#frag\" must be an absolute"
                + " http:// or https:// URI without query or fragment"),
                errors(OAUTH.replace("/mcp\n", "/mcp#frag\n")));
        assertEquals(List.of("server.http.oauth.authorization_servers: required: at least one authorization server"
                + " (issuer)"), errors("server: {http: {oauth: {resource: https://mcp.example.com/mcp}}}\n"));
        assertEquals(List.of("server.http.oauth.authorization_servers[0].issuer: \"idp.example.com\" must be an"
                + " absolute http:// or https:// URI without query or fragment"),
                errors(OAUTH.replace("https://idp.example.com/realms/team", "idp.example.com")));
        assertEquals(
                List.of("server.http.oauth.authorization_servers[1].issuer: \"https://idp.example.com/realms/team\""
                        + " is listed more than once"),
                errors(OAUTH + "        - issuer: https://idp.example.com/realms/team\n"));
    }

    @Test
    void rejectsOutOfRangeDurationsAndUnknownKeys() {
        assertEquals(List.of("server.http.oauth.clock_skew: 301 is above the maximum 300"),
                errors(OAUTH + "      clock_skew: 301\n"));
        assertEquals(List.of("server.http.oauth.jwks_min_refresh_interval: 0 is below the minimum 1"),
                errors(OAUTH + "      jwks_min_refresh_interval: 0\n"));
        assertEquals(List.of("server.http.oauth.http_timeout: 61 is above the maximum 60"),
                errors(OAUTH + "      http_timeout: 61\n"));
        assertEquals(List.of("server.http.oauth.audience: unknown key"), errors(OAUTH + "      audience: x\n"));
    }

    @Test
    void introspectionNeedsAllThreeSettingsAndNeverEchoesTheSecret() {
        assertEquals(List.of("server.http.oauth.authorization_servers[0].introspection.endpoint: required when"
                + " introspection is given",
                "server.http.oauth.authorization_servers[0].introspection.client_id: required when introspection is"
                        + " given"),
                errors(OAUTH + "          introspection: {client_secret: " + SECRET + "}\n"));
        assertEquals(List.of("server.http.oauth.authorization_servers[0].introspection.client_secret: expected a"
                + " string, got a number (<redacted>); put the value in quotes"),
                errors(OAUTH + "          introspection: {endpoint: https://idp.example.com/i, client_id: c,"
                        + " client_secret: 12345678}\n"));
    }

    @Test
    void onlyOneAuthorizationServerMayIntrospect() {
        String introspection = "          introspection: {endpoint: https://idp.example.com/i, client_id: c,"
                + " client_secret: " + SECRET + "}\n";
        assertEquals(List.of("server.http.oauth: introspection may be configured for one authorization server only:"
                + " an opaque token does not say who issued it, and must not be shown to another server"),
                errors(OAUTH + introspection + "        - issuer: https://other.example.com\n" + introspection));
    }

    @Test
    void warnsAboutPlainHttpIssuerOffLoopback() throws ConfigException {
        List<String> warnings = fixture.load(ConfigFixture.MINIMAL_DATABASE
                + OAUTH.replace("https://idp", "http://idp").replace("server:\n", "server:\n  transport: http\n"))
                .warnings();
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("server.http.oauth: issuer http://idp.example.com"
                + "/realms/team is plain http")), warnings.toString());
        assertFalse(warnings.stream().anyMatch(w -> w.contains("no auth_tokens")), warnings.toString());
    }

    @Test
    void recordsRejectForbiddenCombinations() {
        AuthorizationServerConfig server = new AuthorizationServerConfig("https://idp.example.com",
                List.of(JwsAlgorithm.RS256), Optional.empty(), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> new OAuthConfig("https://mcp.example.com/mcp",
                List.of(server, server), List.of(), "sub", Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new AuthorizationServerConfig("https://idp.example.com",
                List.of(), Optional.empty(), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new NamedToken("", new Secret("x")));
        assertFalse(new NamedToken("a", new Secret(SECRET)).toString().contains(SECRET));
        assertTrue(JwsAlgorithm.isForbidden("HS512"));
        assertTrue(JwsAlgorithm.isForbidden(" None "));
        assertEquals(Optional.of(JwsAlgorithm.EDDSA), JwsAlgorithm.ofJoseName("EdDSA"));
    }
}
