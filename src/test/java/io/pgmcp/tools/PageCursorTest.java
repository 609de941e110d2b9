package io.pgmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PageCursorTest {

    private static String base64(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsOddNames() {
        PageCursor cursor = new PageCursor(PageCursor.listing("main", Optional.of("sales"), Optional.of("inv*")),
                "Sales Dept", "Order \"Items\" é");
        String encoded = cursor.encode();
        assertTrue(encoded.matches("[A-Za-z0-9_-]+"), "URL-safe and unpadded: " + encoded);
        assertEquals(Optional.of(cursor), PageCursor.decode(encoded));
    }

    @Test
    void aListingIsFingerprintedByDatabaseSchemaAndPattern() {
        String listing = PageCursor.listing("main", Optional.empty(), Optional.of("a*"));
        assertEquals(listing, PageCursor.listing("main", Optional.empty(), Optional.of("a*")));
        assertNotEquals(listing, PageCursor.listing("other", Optional.empty(), Optional.of("a*")));
        assertNotEquals(listing, PageCursor.listing("main", Optional.of("public"), Optional.of("a*")));
        assertNotEquals(listing, PageCursor.listing("main", Optional.empty(), Optional.of("b*")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "!!!!", "bHQxAGFiYwBwdWJsaWM", "=====", "eyJvZmZzZXQiOjIwMH0"})
    void refusesWhatItDidNotWrite(String text) {
        assertEquals(Optional.empty(), PageCursor.decode(text));
    }

    @Test
    void refusesOtherVersionsEmptyPartsAndOversizedCursors() {
        assertEquals(Optional.empty(), PageCursor.decode(base64("lt2\0abc\0public\0t")));
        assertEquals(Optional.empty(), PageCursor.decode(base64("lt1\0abc\0\0t")));
        assertEquals(Optional.empty(), PageCursor.decode(base64("lt1\0abc\0public\0t\0extra")));
        assertEquals(Optional.empty(), PageCursor.decode("A".repeat(PageCursor.MAX_LENGTH + 1)));
        assertEquals(Optional.of(new PageCursor("abc", "public", "t")),
                PageCursor.decode(base64("lt1\0abc\0public\0t")));
    }
}
