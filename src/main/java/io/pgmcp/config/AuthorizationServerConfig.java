package io.pgmcp.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One trusted OAuth authorization server.
 *
 * @param issuer        its issuer identifier, compared exactly with a token's {@code iss}
 * @param algorithms    the signature algorithms its tokens may use (at least one)
 * @param jwksUri       where its signing keys are; empty: discovered from its metadata
 * @param introspection how to check its opaque tokens, if it issues any
 */
public record AuthorizationServerConfig(String issuer, List<JwsAlgorithm> algorithms, Optional<URI> jwksUri,
        Optional<IntrospectionConfig> introspection) {
    public static final List<JwsAlgorithm> DEFAULT_ALGORITHMS = List.of(JwsAlgorithm.RS256);

    public AuthorizationServerConfig {
        Objects.requireNonNull(issuer, "issuer");
        algorithms = List.copyOf(algorithms);
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(introspection, "introspection");
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("issuer " + issuer + ": algorithms must name at least one algorithm");
        }
        if (!OAuthConfig.isHttpUri(issuer)) {
            throw new IllegalArgumentException("issuer " + ConfigNode.quote(issuer)
                    + " must be an absolute http:// or https:// URI without query or fragment");
        }
    }
}
