package io.pgmcp.auth;

import io.pgmcp.config.NamedToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * The static bearer tokens of {@code server.http.auth_tokens}, held only as SHA-256 digests. A presented token
 * is digested and compared with every known digest by {@link MessageDigest#isEqual} (constant time, and all
 * digests are compared, so the time taken says nothing about which token nearly matched). Thread-safe,
 * immutable.
 */
final class StaticTokens {
    private record Entry(String name, byte[] digest) {}

    private final List<Entry> entries;

    StaticTokens(List<NamedToken> tokens) {
        this.entries = tokens.stream().map(t -> new Entry(t.name(), sha256(t.token().reveal()))).toList();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** @return the name of the token equal to {@code token}, if any */
    Optional<String> match(String token) {
        byte[] presented = sha256(token);
        String matched = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                matched = entry.name();
            }
        }
        return Optional.ofNullable(matched);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
