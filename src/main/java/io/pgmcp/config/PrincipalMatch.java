package io.pgmcp.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@code principals} entry recognises its callers: exactly one of a static bearer token's name, the
 * token's subject (the value of its principal claim), or a claim holding a value.
 */
public sealed interface PrincipalMatch {

    /**
     * Whether a caller with these credentials is matched.
     *
     * @param tokenName the name of the static token the caller presented, if it presented one
     * @param subject   the value of the principal claim of the caller's token, if it has one
     * @param claims    the caller's claims, each with its values (a string claim has one, an array claim its
     *                  strings); compared exactly
     */
    boolean matches(Optional<String> tokenName, Optional<String> subject, Map<String, List<String>> claims);

    /** {@code {token: NAME}}: the caller presented the static token of that name. */
    record Token(String name) implements PrincipalMatch {
        public Token {
            requireText(name, "token");
        }

        @Override
        public boolean matches(Optional<String> tokenName, Optional<String> subject,
                Map<String, List<String>> claims) {
            return tokenName.filter(name::equals).isPresent();
        }
    }

    /** {@code {subject: VALUE}}: the caller's principal claim has exactly this value. */
    record Subject(String value) implements PrincipalMatch {
        public Subject {
            requireText(value, "subject");
        }

        @Override
        public boolean matches(Optional<String> tokenName, Optional<String> subject,
                Map<String, List<String>> claims) {
            return subject.filter(value::equals).isPresent();
        }
    }

    /** {@code {claim: NAME, value: VALUE}}: the claim is this value, or an array holding it. */
    record Claim(String name, String value) implements PrincipalMatch {
        public Claim {
            requireText(name, "claim");
            requireText(value, "value");
        }

        @Override
        public boolean matches(Optional<String> tokenName, Optional<String> subject,
                Map<String, List<String>> claims) {
            return claims.getOrDefault(name, List.of()).contains(value);
        }
    }

    private static void requireText(String text, String key) {
        Objects.requireNonNull(text, key);
        if (text.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
    }
}
