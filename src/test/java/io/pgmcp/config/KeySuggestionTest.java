package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySuggestionTest {

    @Test
    void suggestsTheFirstNearestKeyWithinTheBound() {
        assertEquals("transport", KeySuggestion.closest("transprt", List.of("host", "transport")));
        assertEquals("databases", KeySuggestion.closest("DATABSES", List.of("databases", "audit")), "case is ignored");
        assertEquals("port", KeySuggestion.closest("prot", List.of("path", "port")), "a transposition is one edit");
        assertEquals("host", KeySuggestion.closest("hostt", List.of("host", "hosts")),
                "the first of equally near keys");
    }

    @Test
    void suggestsNothingFarAway() {
        assertNull(KeySuggestion.closest("xyz", List.of("host", "port")));
        assertNull(KeySuggestion.closest("ab", List.of("xy")));
        assertNull(KeySuggestion.closest("transport_mode", List.of("transport")), "five edits exceed the bound of 2");
    }
}
