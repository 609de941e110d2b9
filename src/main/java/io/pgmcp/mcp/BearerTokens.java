package io.pgmcp.mcp;

import io.pgmcp.config.NamedToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens of {@code server.http.auth_tokens}, held only as SHA-256 digests. A presented
 * token is digested and compared with every known digest by {@link MessageDigest#isEqual} (constant
 * time, and all digests are compared, so the time taken says nothing about which token nearly
 * matched). A token is never logged: {@link #idOf} gives the first 8 hex digits of its digest, enough
 * to tell tokens apart in logs. Thread-safe, immutable.
 */
final class BearerTokens {

    private final List<byte[]> digests;

    BearerTokens(List<NamedToken> tokens) {
        this.digests = tokens.stream().map(token -> sha256(token.token().reveal())).toList();
    }

    /** @return whether no token is configured (then every request is let in: loopback only) */
    boolean isOpen() {
        return digests.isEmpty();
    }

    /**
     * Checks an {@code Authorization} header.
     *
     * @return the matching token's id, or empty if the header is absent, not {@code Bearer}, or the
     *     token is unknown
     */
    Optional<String> verify(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] presented = sha256(authorization.substring(7).strip());
        boolean matched = false;
        for (byte[] digest : digests) {
            matched |= MessageDigest.isEqual(digest, presented);
        }
        return matched ? Optional.of(HexFormat.of().formatHex(presented, 0, 4)) : Optional.empty();
    }

    /** @return the loggable id of {@code token}: the first 8 hex digits of its SHA-256 */
    static String idOf(String token) {
        return HexFormat.of().formatHex(sha256(token), 0, 4);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
