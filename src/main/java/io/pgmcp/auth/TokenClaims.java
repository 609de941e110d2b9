package io.pgmcp.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.OAuthConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks every access token's claims pass, whether they come from a verified JWT or an introspection
 * answer: the issuer, this server as audience (a token for another resource is never accepted), the validity
 * window with the configured leeway, and a usable principal name. Thread-safe, immutable.
 */
final class TokenClaims {
    /** Longest principal name accepted from a token. */
    static final int MAX_NAME_CHARS = 256;

    private final OAuthConfig oauth;
    private final Clock clock;

    TokenClaims(OAuthConfig oauth, Clock clock) {
        this.oauth = oauth;
        this.clock = clock;
    }

    /**
     * @param issuer  the issuer the claims must name; for introspection answers a missing {@code iss} is taken to
     *                be this one (the answer came from it)
     * @return the principal the claims describe, and when they stop being valid
     * @throws InvalidToken saying which check failed
     */
    Checked check(JsonNode claims, String issuer, boolean issuerImplied) throws InvalidToken {
        Optional<String> iss = AuthJson.text(claims, "iss");
        if (claims.has("iss") ? !iss.equals(Optional.of(issuer)) : !issuerImplied) {
            throw new InvalidToken("the token's issuer (iss) is not the authorization server that vouched for it");
        }
        Optional<List<String>> aud = AuthJson.strings(claims, "aud");
        if (aud.isEmpty() || !aud.get().contains(oauth.resource())) {
            throw new InvalidToken("the token is not meant for this server: its audience (aud) must include "
                    + oauth.resource());
        }
        Instant now = clock.instant();
        long skew = oauth.clockSkew().toSeconds();
        double nowSeconds = now.getEpochSecond() + now.getNano() / 1e9;
        Optional<Double> exp = seconds(claims, "exp");
        if (exp.isEmpty()) {
            throw new InvalidToken("the token has no valid expiry time (exp)");
        }
        if (exp.get() + skew <= nowSeconds) {
            throw new InvalidToken("the token has expired");
        }
        Optional<Double> nbf = seconds(claims, "nbf");
        if (claims.has("nbf") && (nbf.isEmpty() || nbf.get() - skew > nowSeconds)) {
            throw new InvalidToken("the token is not valid yet (nbf)");
        }
        Optional<Double> iat = seconds(claims, "iat");
        if (claims.has("iat") && (iat.isEmpty() || iat.get() - skew > nowSeconds)) {
            throw new InvalidToken("the token claims to be issued in the future (iat)");
        }
        Optional<String> name = AuthJson.text(claims, oauth.principalClaim());
        if (name.isEmpty() || name.get().isBlank()) {
            throw new InvalidToken("the token has no " + oauth.principalClaim()
                    + " claim (a non-empty string) to name its caller");
        }
        if (name.get().length() > MAX_NAME_CHARS || name.get().chars().anyMatch(Character::isISOControl)) {
            throw new InvalidToken("the token's " + oauth.principalClaim() + " claim is not a usable name (at most "
                    + MAX_NAME_CHARS + " characters, no control characters)");
        }
        Principal principal = new Principal(name.get(), Principal.Source.OAUTH, Optional.of(issuer),
                AuthJson.text(claims, "sub"), stringClaims(claims), scopes(claims));
        long expiresAt = (long) Math.min(exp.get(), (double) Instant.MAX.getEpochSecond());
        return new Checked(principal, Instant.ofEpochSecond(expiresAt));
    }

    record Checked(Principal principal, Instant expires) {}

    /** A NumericDate (seconds since the epoch, possibly fractional), if the claim is one. */
    private static Optional<Double> seconds(JsonNode claims, String member) {
        JsonNode v = claims.get(member);
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) {
            return Optional.empty();
        }
        return Optional.of(v.doubleValue());
    }

    /** RFC 8693 / RFC 9068 {@code scope} (space separated), else the common {@code scp} (list or string). */
    static Set<String> scopes(JsonNode claims) {
        Set<String> scopes = new LinkedHashSet<>();
        Optional<String> scope = AuthJson.text(claims, "scope");
        if (scope.isPresent()) {
            for (String s : scope.get().split(" ")) {
                if (!s.isEmpty()) {
                    scopes.add(s);
                }
            }
            return scopes;
        }
        AuthJson.strings(claims, "scp").ifPresent(list -> list.stream().flatMap(s -> List.of(s.split(" ")).stream())
                .filter(s -> !s.isEmpty()).forEach(scopes::add));
        return scopes;
    }

    private static Map<String, List<String>> stringClaims(JsonNode claims) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : claims.properties()) {
            JsonNode v = member.getValue();
            if (v.isTextual() || v.isArray()) {
                AuthJson.strings(claims, member.getKey()).ifPresent(values -> out.put(member.getKey(),
                        new ArrayList<>(values)));
            }
        }
        return out;
    }
}
