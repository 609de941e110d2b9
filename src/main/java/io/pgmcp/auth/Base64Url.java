package io.pgmcp.auth;

import java.util.Base64;
import java.util.Optional;

/** Unpadded base64url as JOSE writes it (RFC 7515 section 2): padding or other alphabets are refused. */
final class Base64Url {
    private Base64Url() {}

    static Optional<byte[]> decode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            if (!ok) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Base64.getUrlDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
