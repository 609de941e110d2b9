package io.pgmcp.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The JWS signature algorithms an authorization server's tokens may be pinned to: asymmetric ones only. {@code
 * none} and the HMAC algorithms ({@code HS256}...) are absent on purpose: with them anyone who knows the public
 * key (or nothing at all) could mint a token.
 */
public enum JwsAlgorithm {
    RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EDDSA("EdDSA");

    private final String joseName;

    JwsAlgorithm() {
        this.joseName = name();
    }

    JwsAlgorithm(String joseName) {
        this.joseName = joseName;
    }

    /** The {@code alg} value as JOSE spells it: {@code RS256}, {@code EdDSA}. */
    public String joseName() {
        return joseName;
    }

    /** The algorithm a JOSE {@code alg} value names, exactly as spelled (JOSE names are case-sensitive). */
    public static Optional<JwsAlgorithm> ofJoseName(String alg) {
        for (JwsAlgorithm a : values()) {
            if (a.joseName.equals(alg)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code alg} is {@code none} or an HMAC algorithm, which no configuration may pin. */
    public static boolean isForbidden(String alg) {
        String lower = alg.strip().toLowerCase(Locale.ROOT);
        return lower.equals("none") || lower.startsWith("hs");
    }

    @Override
    public String toString() {
        return joseName;
    }
}
