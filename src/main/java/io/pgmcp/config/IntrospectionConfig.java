package io.pgmcp.config;

import java.net.URI;
import java.util.Objects;

/**
 * RFC 7662 token introspection for opaque (non-JWT) access tokens: the endpoint is called with HTTP Basic
 * client authentication. {@link #toString()} never shows the secret.
 */
public record IntrospectionConfig(URI endpoint, String clientId, Secret clientSecret) {
    public IntrospectionConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        if (clientId.isBlank() || clientId.indexOf(':') >= 0) {
            throw new IllegalArgumentException("introspection client_id must be non-blank and hold no ':'");
        }
    }
}
