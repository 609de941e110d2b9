package io.pgmcp.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.AuthorizationServerConfig;
import io.pgmcp.config.JwsAlgorithm;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies a JWT access token (a compact JWS): its header is checked first ({@code alg} pinned per issuer, never
 * {@code none} or HMAC; {@code typ} {@code JWT} or {@code at+jwt}; no {@code crit}), the issuer is picked by the
 * unverified {@code iss}, the signature is checked with that issuer's key, and only then are the claims
 * believed. Header members that point at keys ({@code jku}, {@code jwk}, {@code x5u}) are ignored: keys come
 * only from the issuer's configured or discovered key set. Thread-safe.
 */
final class JwtVerifier {
    private final Map<String, AuthorizationServerConfig> servers;
    private final Map<String, IssuerKeys> keys;
    private final TokenClaims claims;

    JwtVerifier(Map<String, AuthorizationServerConfig> servers, Map<String, IssuerKeys> keys, TokenClaims claims) {
        this.servers = Map.copyOf(servers);
        this.keys = Map.copyOf(keys);
        this.claims = claims;
    }

    /** Whether {@code token} has the shape of a compact JWS (three dot-separated parts). */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return second > 0 && token.indexOf('.', second + 1) < 0;
    }

    Principal verify(String token) throws InvalidToken {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidToken("the token is not a JWT (three dot-separated parts)");
        }
        JsonNode header = part(parts[0], "header");
        JsonNode payload = part(parts[1], "payload");
        byte[] signature = Base64Url.decode(parts[2])
                .orElseThrow(() -> new InvalidToken("the token's signature is not base64url"));

        String alg = AuthJson.text(header, "alg")
                .orElseThrow(() -> new InvalidToken("the token's header has no alg"));
        if (JwsAlgorithm.isForbidden(alg)) {
            throw new InvalidToken("the token's algorithm " + printable(alg)
                    + " is never accepted (only asymmetric signatures are)");
        }
        Optional<String> typ = AuthJson.text(header, "typ");
        if (header.has("typ") && (typ.isEmpty() || !List.of("jwt", "at+jwt", "application/at+jwt")
                .contains(typ.get().toLowerCase(Locale.ROOT)))) {
            throw new InvalidToken("the token's typ must be JWT or at+jwt");
        }
        if (header.has("crit")) {
            throw new InvalidToken("the token's header has crit extensions, which this server does not understand");
        }
        String iss = AuthJson.text(payload, "iss")
                .orElseThrow(() -> new InvalidToken("the token has no issuer (iss)"));
        AuthorizationServerConfig server = servers.get(iss);
        if (server == null) {
            throw new InvalidToken("the token's issuer is not one this server trusts");
        }
        Optional<JwsAlgorithm> algorithm = JwsAlgorithm.ofJoseName(alg).filter(server.algorithms()::contains);
        if (algorithm.isEmpty()) {
            throw new InvalidToken("the token's algorithm " + printable(alg) + " is not one its issuer is pinned to "
                    + server.algorithms());
        }
        if (header.has("kid") && !header.get("kid").isTextual()) {
            throw new InvalidToken("the token's kid is not a string");
        }
        Optional<String> kid = AuthJson.text(header, "kid");
        JsonWebKey key = key(keys.get(iss), algorithm.get(), kid);
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!Signatures.verify(algorithm.get(), key, input, signature)) {
            throw new InvalidToken("the token's signature is not valid");
        }
        return claims.check(payload, iss, false).principal();
    }

    /** The issuer's key for the token, refetching the key set (within its bounds) when none fits. */
    private static JsonWebKey key(IssuerKeys issuerKeys, JwsAlgorithm algorithm, Optional<String> kid)
            throws InvalidToken {
        IssuerKeys.Snapshot seen = issuerKeys.current();
        Optional<JsonWebKey> key = pick(seen.keys(), algorithm, kid);
        if (key.isPresent()) {
            return key.get();
        }
        IssuerKeys.Snapshot after = issuerKeys.refresh(seen);
        key = pick(after.keys(), algorithm, kid);
        if (key.isPresent()) {
            return key.get();
        }
        if (after.keys().isEmpty() && (after.lastFailed() || after.attempts() == 0)) {
            throw new InvalidToken("the issuer's signing keys could not be fetched; try again later");
        }
        throw new InvalidToken(kid.isPresent()
                ? "no signing key of the issuer has the token's kid and fits its algorithm"
                : "the token has no kid and the issuer has not exactly one key that fits its algorithm");
    }

    private static Optional<JsonWebKey> pick(List<JsonWebKey> keys, JwsAlgorithm algorithm, Optional<String> kid) {
        List<JsonWebKey> fitting = keys.stream().filter(k -> k.fits(algorithm))
                .filter(k -> kid.isEmpty() || k.kid().equals(kid)).toList();
        return fitting.size() == 1 ? Optional.of(fitting.getFirst()) : Optional.empty();
    }

    private static JsonNode part(String encoded, String what) throws InvalidToken {
        byte[] bytes = Base64Url.decode(encoded)
                .orElseThrow(() -> new InvalidToken("the token's " + what + " is not base64url"));
        return AuthJson.object(bytes)
                .orElseThrow(() -> new InvalidToken("the token's " + what + " is not a JSON object"));
    }

    /** An algorithm name as given, shortened and stripped of anything that could garble a header or log line. */
    private static String printable(String alg) {
        String shown = alg.length() > 16 ? alg.substring(0, 16) + "..." : alg;
        return "'" + shown.replaceAll("[^A-Za-z0-9+_.-]", "?") + "'";
    }
}
