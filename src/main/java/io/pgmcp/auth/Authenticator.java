package io.pgmcp.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.config.AuthorizationServerConfig;
import io.pgmcp.config.HttpConfig;
import io.pgmcp.config.NamedToken;
import io.pgmcp.config.OAuthConfig;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides who an HTTP request is from: a static named token ({@code server.http.auth_tokens}) or an OAuth 2.1
 * access token from a trusted authorization server ({@code server.http.oauth}), and formats the refusals. The
 * token is never logged, kept or echoed (the introspection cache keys by its digest). Thread-safe.
 */
public final class Authenticator {
    /** Longest token looked at; anything longer is refused unread. */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final StaticTokens tokens;
    private final Optional<OAuthConfig> oauth;
    private final Optional<JwtVerifier> jwt;
    private final Optional<Introspector> introspector;
    private final Optional<String> metadata;

    /**
     * @param http  the client for authorization servers' metadata, keys and introspection; it should not follow
     *              redirects (a redirected answer is refused anyway)
     * @param clock the time tokens are judged against and key refetches are spaced by
     */
    public Authenticator(List<NamedToken> tokens, Optional<OAuthConfig> oauth, HttpClient http, Clock clock) {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(clock, "clock");
        this.tokens = new StaticTokens(tokens);
        this.oauth = Objects.requireNonNull(oauth, "oauth");
        if (oauth.isEmpty()) {
            this.jwt = Optional.empty();
            this.introspector = Optional.empty();
            this.metadata = Optional.empty();
            return;
        }
        OAuthConfig config = oauth.get();
        JsonFetcher fetcher = new JsonFetcher(http, config.httpTimeout());
        TokenClaims claims = new TokenClaims(config, clock);
        Map<String, AuthorizationServerConfig> servers = new LinkedHashMap<>();
        Map<String, IssuerKeys> keys = new LinkedHashMap<>();
        Introspector found = null;
        for (AuthorizationServerConfig server : config.authorizationServers()) {
            servers.put(server.issuer(), server);
            keys.put(server.issuer(), new IssuerKeys(server, config, fetcher, clock));
            if (server.introspection().isPresent()) {
                found = new Introspector(server, fetcher, claims, clock);
            }
        }
        this.jwt = Optional.of(new JwtVerifier(servers, keys, claims));
        this.introspector = Optional.ofNullable(found);
        this.metadata = Optional.of(protectedResourceMetadata(config));
    }

    /** The authenticator of {@code server.http}: its tokens and OAuth settings, with a client of {@link #httpClient}. */
    public static Authenticator of(HttpConfig http, Clock clock) {
        return new Authenticator(http.authTokens(), http.oauth(), httpClient(http.oauth()), clock);
    }

    /**
     * A client for {@code http}: follows no redirect and connects within the OAuth {@code http_timeout} (5 s
     * without OAuth, when it is never used).
     */
    public static HttpClient httpClient(Optional<OAuthConfig> oauth) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(oauth.map(OAuthConfig::httpTimeout).orElse(OAuthConfig.DEFAULT_HTTP_TIMEOUT))
                .build();
    }

    /** @return whether neither tokens nor OAuth are configured: then every request is let in (loopback only) */
    public boolean isOpen() {
        return tokens.isEmpty() && oauth.isEmpty();
    }

    /**
     * Checks an {@code Authorization} header.
     *
     * @param authorizationHeader the header's value; null when absent
     * @return the caller ({@link Principal#ANONYMOUS} when {@link #isOpen()}), or why the request is refused
     */
    public AuthOutcome authenticate(String authorizationHeader) {
        if (isOpen()) {
            return new AuthOutcome.Authenticated(Principal.ANONYMOUS);
        }
        if (authorizationHeader == null || authorizationHeader.length() < 7
                || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new AuthOutcome.Refused(401, Optional.empty(),
                    "this server needs a bearer token: send Authorization: Bearer <token>", requiredScope());
        }
        String token = authorizationHeader.substring(7).strip();
        if (token.isEmpty()) {
            return AuthOutcome.Refused.invalidToken("the bearer token is empty");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return AuthOutcome.Refused.invalidToken("the token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        Optional<String> named = tokens.match(token);
        if (named.isPresent()) {
            return new AuthOutcome.Authenticated(Principal.staticToken(named.get()));
        }
        if (oauth.isEmpty()) {
            return AuthOutcome.Refused.invalidToken("the token is not one this server accepts");
        }
        Principal principal;
        try {
            if (JwtVerifier.looksLikeJwt(token)) {
                principal = jwt.orElseThrow().verify(token);
            } else if (introspector.isPresent()) {
                principal = introspector.get().introspect(token);
            } else {
                return AuthOutcome.Refused.invalidToken("the token is neither a configured token nor a JWT");
            }
        } catch (InvalidToken e) {
            return AuthOutcome.Refused.invalidToken(e.getMessage());
        }
        List<String> required = oauth.get().requiredScopes();
        if (!principal.scopes().containsAll(required)) {
            return new AuthOutcome.Refused(403, Optional.of("insufficient_scope"),
                    "the token lacks a scope this server requires", requiredScope());
        }
        return new AuthOutcome.Authenticated(principal);
    }

    /**
     * The RFC 9728 protected resource metadata served at {@code /.well-known/oauth-protected-resource}: this
     * server's resource URI, its authorization servers, the scopes it requires and that tokens go in the
     * {@code Authorization} header.
     *
     * @return the JSON document; empty without OAuth
     */
    public Optional<String> protectedResourceMetadata() {
        return metadata;
    }

    /**
     * The {@code WWW-Authenticate} value for a refusal: {@code Bearer resource_metadata="..."} with OAuth ({@code
     * realm="pg-mcp"} without), then {@code error}, {@code error_description} and {@code scope} when the refusal
     * has them. Values are quoted with {@code "} and {@code \} escaped; characters a header may not carry are
     * replaced by {@code ?}.
     *
     * @param metadataUrl the absolute URL of this server's protected resource metadata; empty without OAuth
     */
    public static String challenge(AuthOutcome.Refused refused, Optional<String> metadataUrl) {
        List<String> params = new ArrayList<>();
        params.add(metadataUrl.map(url -> "resource_metadata=" + quoted(url)).orElse("realm=\"pg-mcp\""));
        refused.error().ifPresent(error -> params.add("error=" + quoted(error)));
        if (refused.error().isPresent()) {
            params.add("error_description=" + quoted(refused.description()));
        }
        refused.scope().ifPresent(scope -> params.add("scope=" + quoted(scope)));
        return "Bearer " + String.join(", ", params);
    }

    private Optional<String> requiredScope() {
        return oauth.map(OAuthConfig::requiredScopes).filter(s -> !s.isEmpty()).map(s -> String.join(" ", s));
    }

    private static String quoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append('?');
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String protectedResourceMetadata(OAuthConfig config) {
        ObjectNode document = AuthJson.MAPPER.createObjectNode();
        document.put("resource", config.resource());
        ArrayNode servers = document.putArray("authorization_servers");
        config.authorizationServers().forEach(server -> servers.add(server.issuer()));
        ArrayNode scopes = document.putArray("scopes_supported");
        config.requiredScopes().forEach(scopes::add);
        document.putArray("bearer_methods_supported").add("header");
        document.put("resource_name", "pg-mcp");
        try {
            return AuthJson.MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }
}
