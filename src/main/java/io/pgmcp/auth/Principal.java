package io.pgmcp.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who a request is from.
 *
 * @param name    the static token's name, or the value of the configured principal claim
 * @param source  how the caller proved it
 * @param issuer  the token's issuer; empty for static tokens
 * @param subject the token's {@code sub}; empty for static tokens
 * @param claims  the token's string and string-array claims, each as a list; empty for static tokens
 * @param scopes  the scopes the token grants; empty for static tokens
 */
public record Principal(String name, Source source, Optional<String> issuer, Optional<String> subject,
        Map<String, List<String>> claims, Set<String> scopes) {

    /** The principal of every request when no authentication is configured (loopback only). */
    public static final Principal ANONYMOUS = staticToken("anonymous");

    public enum Source {
        TOKEN, OAUTH
    }

    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        claims.forEach((claim, values) -> copy.put(claim, List.copyOf(values)));
        claims = java.util.Collections.unmodifiableMap(copy);
        scopes = Set.copyOf(scopes);
        if (name.isBlank()) {
            throw new IllegalArgumentException("a principal's name must not be blank");
        }
    }

    /** The principal of a static bearer token. */
    public static Principal staticToken(String name) {
        return new Principal(name, Source.TOKEN, Optional.empty(), Optional.empty(), Map.of(), Set.of());
    }
}
