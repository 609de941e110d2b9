package io.pgmcp.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A static bearer token of {@code server.http.auth_tokens} and the name of the principal it stands for. A token
 * given without a name is named {@code token-} and the first 8 hex digits of its SHA-256, which tells tokens
 * apart without revealing them. {@link #toString()} never shows the token.
 *
 * @param name  the principal's name: 1-64 of {@code A-Z a-z 0-9 . _ @ -}
 * @param token the token itself
 */
public record NamedToken(String name, Secret token) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    public NamedToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(token, "token");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("token name " + ConfigNode.quote(name)
                    + " must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '@' and '-'");
        }
    }

    /** A token without a name: named after its digest. */
    public static NamedToken unnamed(Secret token) {
        return new NamedToken(defaultName(token), token);
    }

    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** {@code token-} and the first 8 hex digits of the token's SHA-256. */
    public static String defaultName(Secret token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(token.reveal().getBytes(StandardCharsets.UTF_8));
            return "token-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
