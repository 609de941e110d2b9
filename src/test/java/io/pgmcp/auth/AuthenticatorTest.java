package io.pgmcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmcp.config.AuthorizationServerConfig;
import io.pgmcp.config.IntrospectionConfig;
import io.pgmcp.config.JwsAlgorithm;
import io.pgmcp.config.NamedToken;
import io.pgmcp.config.OAuthConfig;
import io.pgmcp.config.Secret;
import io.pgmcp.testing.FakeClock;
import io.pgmcp.testing.TestIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tokens from a {@link TestIssuer} against an {@link Authenticator}, each refusal with its status and error. */
class AuthenticatorTest {
    private static final String RESOURCE = "https://mcp.example.com/mcp";
    /** Generous: under a loaded build the first fetch pays for loading the JDK's HTTP client. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = Authenticator.httpClient(Optional.empty());

    private final TestIssuer issuer = new TestIssuer();
    private final FakeClock clock = new FakeClock();

    @AfterEach
    void stopIssuer() {
        issuer.close();
    }

    private OAuthConfig oauth(List<JwsAlgorithm> algorithms, List<String> scopes,
            Optional<IntrospectionConfig> introspection) {
        return new OAuthConfig(RESOURCE,
                List.of(new AuthorizationServerConfig(issuer.issuer(), algorithms, Optional.empty(), introspection)),
                scopes, "sub", Duration.ofSeconds(60), Duration.ofSeconds(30), TIMEOUT);
    }

    private Authenticator authenticator(OAuthConfig oauth) {
        return new Authenticator(List.of(), Optional.of(oauth), HTTP, clock);
    }

    private Authenticator authenticator() {
        return authenticator(oauth(List.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256), List.of(), Optional.empty()));
    }

    private Map<String, Object> claims() {
        return issuer.claims("alice", RESOURCE, clock.instant());
    }

    private static Principal accepted(AuthOutcome outcome) {
        return assertInstanceOf(AuthOutcome.Authenticated.class, outcome, outcome::toString).principal();
    }

    private static AuthOutcome.Refused refused(AuthOutcome outcome, int status, String error) {
        AuthOutcome.Refused refused = assertInstanceOf(AuthOutcome.Refused.class, outcome);
        assertEquals(status, refused.status(), refused.toString());
        assertEquals(Optional.ofNullable(error), refused.error(), refused.toString());
        return refused;
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    @Test
    void acceptsRs256TokenAndNamesThePrincipalBySub() {
        Map<String, Object> claims = claims();
        claims.put("scope", "db:read db:list");
        claims.put("groups", List.of("analysts", "ops"));
        claims.put("n", 5);

        Principal principal = accepted(authenticator().authenticate(bearer(issuer.mint(claims))));

        assertEquals("alice", principal.name());
        assertEquals(Principal.Source.OAUTH, principal.source());
        assertEquals(Optional.of(issuer.issuer()), principal.issuer());
        assertEquals(Optional.of("alice"), principal.subject());
        assertEquals(Set.of("db:read", "db:list"), principal.scopes());
        assertEquals(List.of("analysts", "ops"), principal.claims().get("groups"));
        assertEquals(List.of(RESOURCE), principal.claims().get("aud"));
        assertFalse(principal.claims().containsKey("n"), "numbers are not string claims");
        assertEquals(1, issuer.metadataRequests());
        assertEquals(1, issuer.jwksRequests());
    }

    @Test
    void acceptsEs256Token() {
        Principal principal = accepted(authenticator().authenticate(bearer(issuer.mint(Map.of("alg", "ES256"),
                claims()))));
        assertEquals("alice", principal.name());
    }

    @Test
    void acceptsPs256WhenPinned() {
        Authenticator authenticator = authenticator(oauth(List.of(JwsAlgorithm.PS256), List.of(), Optional.empty()));
        accepted(authenticator.authenticate(bearer(issuer.mint(Map.of("alg", "PS256"), claims()))));
    }

    @Test
    void refusesExpiredToken() {
        Map<String, Object> claims = claims();
        claims.put("exp", clock.instant().getEpochSecond() - 61);
        AuthOutcome.Refused refused = refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401,
                "invalid_token");
        assertEquals("the token has expired", refused.description());
    }

    @Test
    void acceptsTokensWithinTheClockSkew() {
        Map<String, Object> claims = claims();
        claims.put("exp", clock.instant().getEpochSecond() - 59);
        claims.put("nbf", clock.instant().getEpochSecond() + 59);
        claims.put("iat", clock.instant().getEpochSecond() + 59);
        accepted(authenticator().authenticate(bearer(issuer.mint(claims))));
    }

    @Test
    void refusesTokenNotValidYet() {
        Map<String, Object> claims = claims();
        claims.put("nbf", clock.instant().getEpochSecond() + 61);
        refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401, "invalid_token");
        Map<String, Object> issuedLater = claims();
        issuedLater.put("iat", clock.instant().getEpochSecond() + 61);
        refused(authenticator().authenticate(bearer(issuer.mint(issuedLater))), 401, "invalid_token");
    }

    @Test
    void refusesTokenWithoutExpiry() {
        Map<String, Object> claims = claims();
        claims.remove("exp");
        refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401, "invalid_token");
        claims.put("exp", "tomorrow");
        refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401, "invalid_token");
    }

    @Test
    void refusesTokenForAnotherResource() {
        Map<String, Object> claims = claims();
        claims.put("aud", "https://other.example.com/mcp");
        AuthOutcome.Refused refused = refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401,
                "invalid_token");
        assertTrue(refused.description().contains("not meant for this server"), refused.description());
        claims.remove("aud");
        refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401, "invalid_token");
    }

    @Test
    void acceptsAudienceArrayContainingTheResource() {
        Map<String, Object> claims = claims();
        claims.put("aud", List.of("https://other.example.com", RESOURCE));
        accepted(authenticator().authenticate(bearer(issuer.mint(claims))));
    }

    @Test
    void refusesUnknownIssuerWithoutFetchingAnything() {
        Map<String, Object> claims = claims();
        claims.put("iss", "https://evil.example.com");
        AuthOutcome.Refused refused = refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401,
                "invalid_token");
        assertEquals("the token's issuer is not one this server trusts", refused.description());
        assertEquals(0, issuer.jwksRequests() + issuer.metadataRequests());
    }

    @Test
    void refusesIssuerThatDiffersOnlySlightly() {
        Map<String, Object> claims = claims();
        claims.put("iss", issuer.issuer() + "/");
        refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401, "invalid_token");
    }

    @Test
    void refusesAlgNone() {
        AuthOutcome.Refused refused = refused(
                authenticator().authenticate(bearer(issuer.mint(Map.of("alg", "none"), claims()))), 401,
                "invalid_token");
        assertTrue(refused.description().contains("never accepted"), refused.description());
    }

    @Test
    void refusesHs256SignedWithThePublicKeyAsSecret() {
        Authenticator authenticator = authenticator();
        accepted(authenticator.authenticate(bearer(issuer.mint(claims()))));
        refused(authenticator.authenticate(bearer(issuer.mint(Map.of("alg", "HS256"), claims()))), 401,
                "invalid_token");
    }

    @Test
    void refusesAlgorithmTheIssuerIsNotPinnedTo() {
        Authenticator authenticator = authenticator(oauth(List.of(JwsAlgorithm.RS256), List.of(), Optional.empty()));
        AuthOutcome.Refused refused = refused(
                authenticator.authenticate(bearer(issuer.mint(Map.of("alg", "RS384"), claims()))), 401,
                "invalid_token");
        assertTrue(refused.description().contains("not one its issuer is pinned to"), refused.description());
        refused(authenticator.authenticate(bearer(issuer.mint(Map.of("alg", "ES256"), claims()))), 401,
                "invalid_token");
    }

    @Test
    void refusesTamperedPayload() {
        String token = issuer.mint(claims());
        Map<String, Object> other = claims();
        other.put("sub", "admin");
        String forged = issuer.mint(other);
        String[] a = token.split("\\.");
        String[] b = forged.split("\\.");
        refused(authenticator().authenticate(bearer(a[0] + "." + b[1] + "." + a[2])), 401, "invalid_token");
    }

    @Test
    void refusesBadTypAndCrit() {
        Authenticator authenticator = authenticator();
        refused(authenticator.authenticate(bearer(issuer.mint(Map.of("typ", "JWE"), claims()))), 401,
                "invalid_token");
        accepted(authenticator.authenticate(bearer(issuer.mint(Map.of("typ", "at+JWT"), claims()))));
        refused(authenticator.authenticate(bearer(issuer.mint(Map.of("crit", List.of("exp")), claims()))), 401,
                "invalid_token");
    }

    @Test
    void unknownKidIsRefusedAndFetchesKeysOnceForManyConcurrentCallers() throws Exception {
        Authenticator authenticator = authenticator();
        accepted(authenticator.authenticate(bearer(issuer.mint(claims()))));
        assertEquals(1, issuer.jwksRequests());
        clock.advance(Duration.ofSeconds(31));
        String token = issuer.mint(Map.of("kid", "no-such-kid"), claims());

        List<AuthOutcome> outcomes = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<AuthOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(callers.submit(() -> authenticator.authenticate(bearer(token))));
            }
            for (Future<AuthOutcome> f : futures) {
                outcomes.add(f.get());
            }
        }

        for (AuthOutcome outcome : outcomes) {
            refused(outcome, 401, "invalid_token");
        }
        assertEquals(2, issuer.jwksRequests(), "one refetch for all 20 callers");
        refused(authenticator.authenticate(bearer(token)), 401, "invalid_token");
        assertEquals(2, issuer.jwksRequests(), "no refetch within jwks_min_refresh_interval");
        assertEquals(1, issuer.metadataRequests(), "the discovered jwks_uri is kept");
    }

    @Test
    void concurrentFirstCallsShareOneDiscoveryAndOneKeyFetch() throws Exception {
        Authenticator authenticator = authenticator();
        String token = issuer.mint(claims());
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<AuthOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(callers.submit(() -> authenticator.authenticate(bearer(token))));
            }
            for (Future<AuthOutcome> f : futures) {
                accepted(f.get());
            }
        }
        assertEquals(1, issuer.metadataRequests());
        assertEquals(1, issuer.jwksRequests());
    }

    @Test
    void failedKeyFetchKeepsTheKeysHeldBefore() {
        Authenticator authenticator = authenticator();
        accepted(authenticator.authenticate(bearer(issuer.mint(claims()))));
        issuer.jwksStatus(500);
        clock.advance(Duration.ofSeconds(31));

        AuthOutcome.Refused refused = refused(
                authenticator.authenticate(bearer(issuer.mint(Map.of("kid", "rotated"), claims()))), 401,
                "invalid_token");

        assertEquals(2, issuer.jwksRequests());
        assertTrue(refused.description().startsWith("no signing key of the issuer has the token's kid"),
                refused.description());
        accepted(authenticator.authenticate(bearer(issuer.mint(claims()))));
        issuer.jwksStatus(200);
        issuer.rotate();
        clock.advance(Duration.ofSeconds(31));
        accepted(authenticator.authenticate(bearer(issuer.mint(claims()))));
        assertEquals(2, issuer.metadataRequests(), "after a failed fetch the metadata is read again");
    }

    @Test
    void ignoresKeysBelow2048BitsAndKeysForOtherUses() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        var weak = (java.security.interfaces.RSAPublicKey) generator.generateKeyPair().getPublic();
        var current = new com.fasterxml.jackson.databind.ObjectMapper().readTree(issuer.jwksJson());
        String n = current.get("keys").get(0).get("n").textValue();
        String e = current.get("keys").get(0).get("e").textValue();
        issuer.jwksOverride("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"weak\",\"n\":\""
                + Base64Url.encode(weak.getModulus().toByteArray()) + "\",\"e\":\"AQAB\"},"
                + "{\"kty\":\"RSA\",\"kid\":\"enc\",\"use\":\"enc\",\"n\":\"" + n + "\",\"e\":\"" + e + "\"},"
                + "{\"kty\":\"RSA\",\"kid\":\"for-ps\",\"alg\":\"PS256\",\"n\":\"" + n + "\",\"e\":\"" + e
                + "\"}]}");
        Authenticator authenticator = authenticator();

        // had the weak key been kept, the refusal would be about the signature, not about a missing key
        assertTrue(refused(authenticator.authenticate(bearer(issuer.mint(Map.of("kid", "weak"), claims()))), 401,
                "invalid_token").description().startsWith("no signing key"));
        refused(authenticator.authenticate(bearer(issuer.mint(Map.of("kid", "enc"), claims()))), 401,
                "invalid_token");
        refused(authenticator.authenticate(bearer(issuer.mint(Map.of("kid", "for-ps"), claims()))), 401,
                "invalid_token");
        issuer.jwksOverride(null);
    }

    @Test
    void acceptsTokenSignedWithRotatedKeyOnceRefetchIsAllowed() {
        Authenticator authenticator = authenticator();
        accepted(authenticator.authenticate(bearer(issuer.mint(claims()))));
        issuer.rotate();
        clock.advance(Duration.ofSeconds(31));

        accepted(authenticator.authenticate(bearer(issuer.mint(claims()))));

        assertEquals(2, issuer.jwksRequests());
        refused(authenticator.authenticate(bearer(issuer.mint(Map.of("kid", "rsa-1"), claims()))), 401,
                "invalid_token");
    }

    @Test
    void tokenWithoutKidUsesTheOnlyFittingKey() {
        Map<String, Object> noKid = new HashMap<>();
        noKid.put("kid", null);
        accepted(authenticator().authenticate(bearer(issuer.mint(noKid, claims()))));
        noKid.put("alg", "ES256");
        accepted(authenticator().authenticate(bearer(issuer.mint(noKid, claims()))));
    }

    @Test
    void refusesGarbageAndOversizedTokens() {
        Authenticator authenticator = authenticator();
        for (String garbage : List.of("a.b.c", "....", "x", "eyJ.eyJ.", "%%%.%%%.%%%", "e30.e30.e30")) {
            AuthOutcome.Refused refused = refused(authenticator.authenticate(bearer(garbage)), 401, "invalid_token");
            assertFalse(refused.description().contains(garbage), refused.description());
        }
        refused(authenticator.authenticate(bearer("a".repeat(Authenticator.MAX_TOKEN_CHARS + 1))), 401,
                "invalid_token");
        refused(authenticator.authenticate("Bearer    "), 401, "invalid_token");
    }

    @Test
    void refusesTokenWithoutPrincipalClaim() {
        Map<String, Object> claims = claims();
        claims.remove("sub");
        AuthOutcome.Refused refused = refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401,
                "invalid_token");
        assertTrue(refused.description().contains("no sub claim"), refused.description());
        claims.put("sub", "");
        refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401, "invalid_token");
        claims.put("sub", "line\nbreak");
        refused(authenticator().authenticate(bearer(issuer.mint(claims))), 401, "invalid_token");
    }

    @Test
    void namesThePrincipalByTheConfiguredClaim() {
        OAuthConfig base = oauth(List.of(JwsAlgorithm.RS256), List.of(), Optional.empty());
        OAuthConfig byEmail = new OAuthConfig(base.resource(), base.authorizationServers(), List.of(), "email",
                base.clockSkew(), base.jwksMinRefreshInterval(), base.httpTimeout());
        Map<String, Object> claims = claims();
        claims.put("email", "alice@example.com");
        assertEquals("alice@example.com",
                accepted(authenticator(byEmail).authenticate(bearer(issuer.mint(claims)))).name());
    }

    @Test
    void refusesTokenLackingARequiredScopeWith403() {
        Authenticator authenticator = authenticator(
                oauth(List.of(JwsAlgorithm.RS256), List.of("db:read", "db:query"), Optional.empty()));
        Map<String, Object> claims = claims();
        claims.put("scope", "db:read");

        AuthOutcome.Refused refused = refused(authenticator.authenticate(bearer(issuer.mint(claims))), 403,
                "insufficient_scope");

        assertEquals(Optional.of("db:read db:query"), refused.scope());
        claims.remove("scope");
        claims.put("scp", List.of("db:query", "db:read"));
        accepted(authenticator.authenticate(bearer(issuer.mint(claims))));
    }

    @Test
    void unreachableIssuerIsA401NotAnException() {
        OAuthConfig unreachable = new OAuthConfig(RESOURCE,
                List.of(new AuthorizationServerConfig(issuer.issuer(), List.of(JwsAlgorithm.RS256), Optional.empty(),
                        Optional.empty())),
                List.of(), "sub", Duration.ofSeconds(60), Duration.ofSeconds(30), TIMEOUT);
        String token = issuer.mint(claims());
        issuer.close();

        Authenticator authenticator = authenticator(unreachable);
        AuthOutcome.Refused refused = refused(authenticator.authenticate(bearer(token)), 401, "invalid_token");

        assertEquals("the issuer's signing keys could not be fetched; try again later", refused.description());
        refused(authenticator.authenticate(bearer(token)), 401, "invalid_token");
    }

    @Test
    void refusesWhenTheMetadataNamesAnotherIssuer() {
        issuer.metadataIssuer("https://impostor.example.com");
        AuthOutcome.Refused refused = refused(authenticator().authenticate(bearer(issuer.mint(claims()))), 401,
                "invalid_token");
        assertTrue(refused.description().contains("could not be fetched"), refused.description());
        assertEquals(0, issuer.jwksRequests());
    }

    @Test
    void usesTheConfiguredJwksUriWithoutDiscovery() {
        OAuthConfig direct = new OAuthConfig(RESOURCE,
                List.of(new AuthorizationServerConfig(issuer.issuer(), List.of(JwsAlgorithm.RS256),
                        Optional.of(URI.create(issuer.jwksUri())), Optional.empty())),
                List.of(), "sub", Duration.ofSeconds(60), Duration.ofSeconds(30), TIMEOUT);
        accepted(authenticator(direct).authenticate(bearer(issuer.mint(claims()))));
        assertEquals(0, issuer.metadataRequests());
    }

    private Authenticator introspecting() {
        return authenticator(oauth(List.of(JwsAlgorithm.RS256), List.of(), Optional.of(new IntrospectionConfig(
                URI.create(issuer.introspectionEndpoint()), TestIssuer.CLIENT_ID,
                new Secret(TestIssuer.CLIENT_SECRET)))));
    }

    private Map<String, Object> activeAnswer(String audience) {
        Map<String, Object> answer = new LinkedHashMap<>(issuer.claims("bob", audience, clock.instant()));
        answer.put("active", true);
        answer.put("scope", "db:read");
        return answer;
    }

    @Test
    void acceptsActiveOpaqueTokenAndCachesTheAnswer() {
        issuer.introspection(token -> token.equals("opaque-token-of-bob") ? activeAnswer(RESOURCE) : null);
        Authenticator authenticator = introspecting();

        Principal principal = accepted(authenticator.authenticate(bearer("opaque-token-of-bob")));
        accepted(authenticator.authenticate(bearer("opaque-token-of-bob")));

        assertEquals("bob", principal.name());
        assertEquals(Set.of("db:read"), principal.scopes());
        assertEquals(1, issuer.introspectionRequests(), "the second call is answered from the cache");
        clock.advance(Duration.ofSeconds(61));
        accepted(authenticator.authenticate(bearer("opaque-token-of-bob")));
        assertEquals(2, issuer.introspectionRequests(), "a cached answer lasts at most 60 s");
    }

    @Test
    void atMostSixteenIntrospectionsAreInFlightAndOneMoreIsRefusedAfterWaitingItsTurn() throws Exception {
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(
                Introspector.MAX_IN_FLIGHT);
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        issuer.introspection(token -> {
            arrived.countDown();
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        OAuthConfig oauth = oauth(List.of(JwsAlgorithm.RS256), List.of(), Optional.of(new IntrospectionConfig(
                URI.create(issuer.introspectionEndpoint()), TestIssuer.CLIENT_ID,
                new Secret(TestIssuer.CLIENT_SECRET))));
        OAuthConfig quick = new OAuthConfig(oauth.resource(), oauth.authorizationServers(), List.of(), "sub",
                oauth.clockSkew(), oauth.jwksMinRefreshInterval(), Duration.ofSeconds(5));
        Authenticator authenticator = authenticator(quick);
        List<Thread> waiting = new java.util.ArrayList<>();
        List<AuthOutcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < Introspector.MAX_IN_FLIGHT; i++) {
            String token = "opaque-flood-" + i;
            waiting.add(Thread.ofVirtual().start(() -> outcomes.add(authenticator.authenticate(bearer(token)))));
        }
        assertTrue(arrived.await(20, java.util.concurrent.TimeUnit.SECONDS), "sixteen checks reached the issuer");
        AuthOutcome.Refused busy = refused(authenticator.authenticate(bearer("opaque-flood-one-more")), 401,
                "invalid_token");
        assertEquals("the authorization server is busy checking other tokens; try again later", busy.description());
        assertEquals(Introspector.MAX_IN_FLIGHT, issuer.introspectionRequests(), "the seventeenth was never sent");
        answer.countDown();
        for (Thread thread : waiting) {
            thread.join(Duration.ofSeconds(20));
        }
        assertEquals(Introspector.MAX_IN_FLIGHT, outcomes.size());
        refused(authenticator.authenticate(bearer("opaque-after-the-flood")), 401, "invalid_token");
        assertEquals(Introspector.MAX_IN_FLIGHT + 1, issuer.introspectionRequests(), "turns are given back");
    }

    @Test
    void refusesInactiveOpaqueToken() {
        issuer.introspection(token -> null);
        AuthOutcome.Refused refused = refused(introspecting().authenticate(bearer("opaque-token-unknown")), 401,
                "invalid_token");
        assertEquals("the authorization server says the token is not active", refused.description());
    }

    @Test
    void refusesOpaqueTokenForAnotherResource() {
        issuer.introspection(token -> activeAnswer("https://other.example.com/mcp"));
        refused(introspecting().authenticate(bearer("opaque-token-other")), 401, "invalid_token");
    }

    @Test
    void refusesOpaqueTokenWhenIntrospectionFailsOrIsNotConfigured() {
        // no answer set: the test server replies 401 to the introspection call
        refused(introspecting().authenticate(bearer("opaque-token-0001")), 401, "invalid_token");
        refused(authenticator().authenticate(bearer("opaque-token-0001")), 401, "invalid_token");
        assertEquals(1, issuer.introspectionRequests());
    }

    @Test
    void staticNamedTokensAuthenticateNextToOAuth() {
        Authenticator authenticator = new Authenticator(
                List.of(new NamedToken("ci-bot", new Secret("ci-bot-token-0123456789"))),
                Optional.of(oauth(List.of(JwsAlgorithm.RS256), List.of("db:read"), Optional.empty())), HTTP, clock);

        Principal bot = accepted(authenticator.authenticate("bearer ci-bot-token-0123456789"));

        assertEquals(Principal.staticToken("ci-bot"), bot);
        refused(authenticator.authenticate(bearer("ci-bot-token-0123456780")), 401, "invalid_token");
        AuthOutcome.Refused none = refused(authenticator.authenticate(null), 401, null);
        assertEquals(Optional.of("db:read"), none.scope());
        refused(authenticator.authenticate("Basic dXNlcjpwYXNz"), 401, null);
    }

    @Test
    void withoutOAuthOnlyStaticTokensCount() {
        Authenticator authenticator = new Authenticator(
                List.of(NamedToken.unnamed(new Secret("plain-token-0123456789"))), Optional.empty(), HTTP, clock);
        assertFalse(authenticator.isOpen());
        assertEquals(NamedToken.defaultName(new Secret("plain-token-0123456789")),
                accepted(authenticator.authenticate(bearer("plain-token-0123456789"))).name());
        assertTrue(NamedToken.defaultName(new Secret("x")).matches("token-[0-9a-f]{8}"));
        refused(authenticator.authenticate(bearer(issuer.mint(claims()))), 401, "invalid_token");
        assertEquals(Optional.empty(), authenticator.protectedResourceMetadata());
        assertEquals(0, issuer.jwksRequests());
    }

    @Test
    void openWithoutTokensOrOAuth() {
        Authenticator authenticator = new Authenticator(List.of(), Optional.empty(), HTTP, clock);
        assertTrue(authenticator.isOpen());
        assertEquals(Principal.ANONYMOUS, accepted(authenticator.authenticate(null)));
    }

    @Test
    void protectedResourceMetadataDescribesThisServer() throws Exception {
        String json = authenticator(oauth(List.of(JwsAlgorithm.RS256), List.of("db:read"), Optional.empty()))
                .protectedResourceMetadata().orElseThrow();
        var document = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);

        assertEquals(RESOURCE, document.get("resource").textValue());
        assertEquals(List.of(issuer.issuer()), strings(document.get("authorization_servers")));
        assertEquals(List.of("db:read"), strings(document.get("scopes_supported")));
        assertEquals(List.of("header"), strings(document.get("bearer_methods_supported")));
    }

    private static List<String> strings(com.fasterxml.jackson.databind.JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.textValue()));
        return out;
    }

    @Test
    void formatsChallenges() {
        String url = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";
        assertEquals("Bearer resource_metadata=\"" + url + "\"",
                Authenticator.challenge(new AuthOutcome.Refused(401, Optional.empty(), "no token", Optional.empty()),
                        Optional.of(url)));
        assertEquals("Bearer resource_metadata=\"" + url + "\", error=\"insufficient_scope\", error_description="
                + "\"needs more\", scope=\"db:read db:query\"",
                Authenticator.challenge(new AuthOutcome.Refused(403, Optional.of("insufficient_scope"), "needs more",
                        Optional.of("db:read db:query")), Optional.of(url)));
        assertEquals("Bearer realm=\"pg-mcp\", error=\"invalid_token\", error_description="
                + "\"say \\\"hi\\\" \\\\ ?? caf?\"",
                Authenticator.challenge(
                        AuthOutcome.Refused.invalidToken("say \"hi\" \\ \r\n caf\u00e9"), Optional.empty()));
    }

    @Test
    void refusalsNeverEchoTheToken() {
        Map<String, Object> claims = new HashMap<>(claims());
        claims.put("exp", 1);
        String token = issuer.mint(claims);
        AuthOutcome.Refused refused = refused(authenticator().authenticate(bearer(token)), 401, "invalid_token");
        String challenge = Authenticator.challenge(refused, Optional.of("https://x/.well-known/y"));
        for (String part : token.split("\\.")) {
            assertFalse(challenge.contains(part), challenge);
        }
    }
}
