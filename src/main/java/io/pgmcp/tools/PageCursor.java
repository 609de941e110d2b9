package io.pgmcp.tools;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The opaque {@code cursor} of {@code list_tables}: the last table a page showed (the next page starts
 * after it in schema-then-name order, so a catalog refresh between pages skips or repeats nothing that
 * stayed) and a fingerprint of the listing's arguments, so a cursor is refused for another database,
 * schema or pattern. Encoded as unpadded base64url; NUL separates the parts because no PostgreSQL
 * identifier holds one.
 *
 * @param listing the fingerprint of the listing's arguments ({@link #listing})
 * @param schema  the schema of the last table shown
 * @param name    the name of the last table shown
 */
record PageCursor(String listing, String schema, String name) {
    private static final String VERSION = "lt1";
    private static final char SEPARATOR = '\0';
    /** Longer than any cursor this class writes (two names of at most 63 bytes). */
    static final int MAX_LENGTH = 400;

    /** @return the fingerprint of a listing: its database, schema filter and name pattern */
    static String listing(String database, Optional<String> schema, Optional<String> pattern) {
        CRC32 crc = new CRC32();
        crc.update((database + SEPARATOR + schema.orElse("") + SEPARATOR + pattern.orElse(""))
                .getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    String encode() {
        String raw = VERSION + SEPARATOR + listing + SEPARATOR + schema + SEPARATOR + name;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the cursor {@code text} encodes, or empty if it is not one this class wrote */
    static Optional<PageCursor> decode(String text) {
        if (text.isEmpty() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String[] parts = raw.split(String.valueOf(SEPARATOR), -1);
        if (parts.length != 4 || !parts[0].equals(VERSION) || parts[1].isEmpty() || parts[2].isEmpty()
                || parts[3].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PageCursor(parts[1], parts[2], parts[3]));
    }
}
