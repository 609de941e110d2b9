package io.pgmcp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EditDistanceTest {

    @Test
    void editsAndTranspositionsCountOneEach() {
        assertEquals(1, EditDistance.between("statuss", "status", 3));
        assertEquals(1, EditDistance.between("stauts", "status", 3), "a transposition of neighbours is one edit");
        assertEquals(1, EditDistance.between("ordrs", "orders", 3));
        assertEquals(2, EditDistance.between("costumer", "customer", 3));
        assertEquals(0, EditDistance.between("", "", 1));
    }

    @Test
    void stopsOnceTheBoundIsExceeded() {
        assertEquals(2, EditDistance.between("a", "abcdef", 1), "lengths too far apart");
        assertEquals(3, EditDistance.between("abcd", "wxyz", 2));
    }

    @Test
    void comparesCodePointsAndCase() {
        assertEquals(1, EditDistance.between("caf\u00e9", "cafe", 2));
        assertEquals(1, EditDistance.between("\uD83D\uDE00x", "\uD83D\uDE01x", 2), "one edit per emoji, not two chars");
        assertEquals(1, EditDistance.between("Orders", "orders", 2));
    }
}
