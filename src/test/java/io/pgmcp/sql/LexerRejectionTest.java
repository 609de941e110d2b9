package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input the lexer refuses, and that the refusal says what and where. */
class LexerRejectionTest {

    private static LexerException rejected(String sql) {
        return assertThrows(LexerException.class, () -> Lexer.tokenize(sql), sql);
    }

    @Test
    void inputOver64KiBIsRejected() {
        String ok = "SELECT 1" + " ".repeat(Lexer.MAX_SQL_LENGTH - 8);
        assertDoesNotThrow(() -> Lexer.tokenize(ok));
        LexerException e = rejected(ok + " ");
        assertEquals("SQL is 65537 characters long; the limit is 65536", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n\t", "-- only a comment", "/* a */ -- b\n  /* c /* d */ */"})
    void emptyStatementIsRejected(String sql) {
        assertTrue(rejected(sql).getMessage().startsWith("empty statement"));
    }

    @Test
    void nulIsRejectedEverywhere() {
        LexerException e = rejected("SELECT 'a\u0000b'");
        assertEquals("NUL character (U+0000) at offset 9 is not allowed", e.getMessage());
        assertEquals(9, e.offset());
        rejected("SELECT 1 -- \u0000");
        rejected("\u0000");
    }

    @ParameterizedTest
    @ValueSource(chars = {'\u0001', '\u0007', '\u000B', '\u001B', '\u007F', '\u0085', '\u009F'})
    void controlCharactersAreRejectedEvenInLiterals(char c) {
        assertTrue(rejected("SELECT 'a" + c + "'").getMessage().startsWith("control character U+"));
        rejected("SELECT 1" + c);
    }

    @Test
    void tabNewlineCarriageReturnAndFormFeedAreWhitespace() throws LexerException {
        assertEquals(4, Lexer.tokenize("SELECT\t1\r\n,\f2").size());
    }

    @Test
    void unpairedSurrogatesAreRejected() {
        rejected("SELECT '\uD83D'");
        rejected("SELECT '\uDE00x'");
        rejected("SELECT 1 AS a\uD83D");
    }

    @Test
    void zeroWidthSpaceOutsideLiteralRejected() {
        LexerException e = rejected("SELECT\u200B password_hash FROM users");
        assertEquals("invisible character U+200B (ZERO WIDTH SPACE) at offset 6 is not allowed outside"
                + " string literals and quoted identifiers; remove it", e.getMessage());
        assertEquals(6, e.offset());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u202A", "\u202E", "\u2060", "\u2064",
            "\uFEFF", "\u00AD", "\u2028", "\u2029", "\u00A0", "\u3000", "\u2003", "\uDB40\uDC01"})
    void invisibleCharactersAreRejectedOutsideLiteralsOnly(String c) throws LexerException {
        rejected("SELECT a" + c + "b");
        rejected("SELECT 1 " + c);
        rejected(c + "SELECT 1");
        rejected("SELECT 1 /* " + c + " */");
        rejected("SELECT 1 -- " + c);
        assertEquals("a" + c + "b", Lexer.tokenize("SELECT 'a" + c + "b'").get(1).value());
        assertEquals("a" + c + "b", Lexer.tokenize("SELECT E'a" + c + "b'").get(1).value());
        assertEquals("a" + c + "b", Lexer.tokenize("SELECT $$a" + c + "b$$").get(1).value());
        assertEquals("a" + c + "b", Lexer.tokenize("SELECT \"a" + c + "b\"").get(1).value());
    }

    @Test
    void nonAsciiLettersAreIdentifierCharacters() throws LexerException {
        assertEquals("café", Lexer.tokenize("SELECT café").get(1).value());
        assertEquals("naïve_日本", Lexer.tokenize("SELECT naïve_日本").get(1).value());
    }

    @Test
    void unterminatedCommentRejected() {
        LexerException e = rejected("SELECT 1 /* a /* b */");
        assertTrue(e.getMessage().startsWith("unterminated /* comment starting at offset 9"), e.getMessage());
        assertEquals(9, e.offset());
    }

    @Test
    void commentNestingIsBoundedAt32() {
        String ok = "SELECT 1 " + "/*".repeat(32) + "*/".repeat(32);
        assertDoesNotThrow(() -> Lexer.tokenize(ok));
        String deep = "SELECT 1 " + "/*".repeat(33) + "*/".repeat(33);
        assertTrue(rejected(deep).getMessage().startsWith("block comments are nested deeper than 32"));
    }

    @Test
    void bracketsMustBalance() {
        assertEquals("unbalanced ')' at offset 8: nothing to close", rejected("SELECT 1)").getMessage());
        assertEquals("'(' at offset 7 is never closed", rejected("SELECT (1").getMessage());
        assertEquals("']' at offset 9 does not match '(' at offset 7", rejected("SELECT (1]").getMessage());
        rejected("SELECT a[1)");
    }

    @Test
    void nestingIsBoundedAt100() {
        assertDoesNotThrow(() -> Lexer.tokenize("SELECT " + "(".repeat(100) + "1" + ")".repeat(100)));
        LexerException e = rejected("SELECT " + "(".repeat(101) + "1" + ")".repeat(101));
        assertTrue(e.getMessage().startsWith("parentheses and brackets are nested deeper than 100"));
        assertEquals(107, e.offset());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 \\", "SELECT {fn now()}", "SELECT 1 }", "SELECT $ 1"})
    void charactersWithoutAPostgresTokenAreRejected(String sql) {
        rejected(sql);
    }

    @Test
    void backticksAreRejected() {
        LexerException e = rejected("SELECT `x, password_hash FROM users` FROM products");
        assertTrue(e.getMessage().startsWith("backtick at offset 7"), e.getMessage());
        rejected("SELECT a +` b");
    }

    @Test
    void doubleSlashOperatorIsRejectedBecauseOtherDialectsReadAComment() {
        assertTrue(rejected("SELECT 1 // 2, password_hash FROM users").getMessage().contains("'//'"));
        rejected("SELECT 1 //- 2");
        assertDoesNotThrow(() -> Lexer.tokenize("SELECT 1 //* c */ 2"), "a / followed by a comment is fine");
    }

    @Test
    void operatorRunsAreBoundedAt63Characters() {
        assertDoesNotThrow(() -> Lexer.tokenize("SELECT 1 " + "<".repeat(63) + " 2"));
        assertDoesNotThrow(() -> Lexer.tokenize("SELECT 1 " + "<".repeat(63) + "-- comment"));
        assertTrue(rejected("SELECT 1 " + "<".repeat(64) + " 2").getMessage()
                .startsWith("more than 63 operator characters in a row at offset 9"));
    }

    /** Regression: each stripped sign used to re-scan the rest of the run, 3.8 s for 64 K of "+-". */
    @Test
    void longSignChainIsRejectedInsteadOfScannedQuadratically() {
        LexerException e = rejected("SELECT 1 " + "+-".repeat(32_000) + "1");
        assertEquals(9, e.offset(), "rejected at the first run, before any re-scanning");
        assertDoesNotThrow(() -> Lexer.tokenize("SELECT 1 " + "+-".repeat(31) + "1"));
    }
}
