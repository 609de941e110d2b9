package io.pgmcp.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP transport as an OAuth 2.1 resource server: which authorization servers are trusted and what a token
 * from them must carry.
 *
 * @param resource               this server's resource URI: the audience every token must name
 * @param authorizationServers   the trusted issuers (at least one, each once); at most one with introspection, since
 *                               an opaque token does not say who issued it and must not be shown to another server
 * @param requiredScopes         scopes every token must carry
 * @param principalClaim         the claim whose value names the caller
 * @param clockSkew              leeway for {@code exp}, {@code nbf} and {@code iat}
 * @param jwksMinRefreshInterval the least time between two fetches of one issuer's keys
 * @param httpTimeout            bound on each fetch of metadata or keys and on each introspection call
 */
public record OAuthConfig(String resource, List<AuthorizationServerConfig> authorizationServers,
        List<String> requiredScopes, String principalClaim, Duration clockSkew, Duration jwksMinRefreshInterval,
        Duration httpTimeout) {

    public static final String DEFAULT_PRINCIPAL_CLAIM = "sub";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(5);

    public OAuthConfig {
        Objects.requireNonNull(resource, "resource");
        authorizationServers = List.copyOf(authorizationServers);
        requiredScopes = List.copyOf(requiredScopes);
        Objects.requireNonNull(principalClaim, "principalClaim");
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(jwksMinRefreshInterval, "jwksMinRefreshInterval");
        Objects.requireNonNull(httpTimeout, "httpTimeout");
        if (!isHttpUri(resource)) {
            throw new IllegalArgumentException("resource " + ConfigNode.quote(resource)
                    + " must be an absolute http:// or https:// URI without query or fragment");
        }
        if (authorizationServers.isEmpty()) {
            throw new IllegalArgumentException("authorization_servers must name at least one issuer");
        }
        Set<String> issuers = new HashSet<>();
        for (AuthorizationServerConfig server : authorizationServers) {
            if (!issuers.add(server.issuer())) {
                throw new IllegalArgumentException("issuer " + ConfigNode.quote(server.issuer()) + " is listed twice");
            }
        }
        if (authorizationServers.stream().filter(s -> s.introspection().isPresent()).count() > 1) {
            throw new IllegalArgumentException("introspection may be configured for one authorization server only:"
                    + " an opaque token does not say who issued it, and must not be shown to another server");
        }
        for (String scope : requiredScopes) {
            if (scope.isEmpty() || !scope.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                throw new IllegalArgumentException("required scope " + ConfigNode.quote(scope)
                        + " must be printable ASCII without spaces, quotes or backslashes");
            }
        }
        if (principalClaim.isBlank()) {
            throw new IllegalArgumentException("principal_claim must not be blank");
        }
        if (clockSkew.isNegative() || !jwksMinRefreshInterval.isPositive() || !httpTimeout.isPositive()) {
            throw new IllegalArgumentException("clock_skew must not be negative; jwks_min_refresh_interval and"
                    + " http_timeout must be positive");
        }
    }

    /** An absolute http(s) URI with a host and neither query nor fragment. */
    public static boolean isHttpUri(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawFragment() == null && uri.getRawQuery() == null && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
