package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One statement, its executable text and its parser skeleton. */
class LexedStatementTest {

    private static LexerException rejected(String sql) {
        return assertThrows(LexerException.class, () -> Lexer.analyse(sql), sql);
    }

    /** Token values, ignoring whether a name was quoted (an unquoted name may be re-emitted quoted). */
    static List<String> meaning(List<Token> tokens) {
        return tokens.stream()
                .filter(t -> t.kind() != TokenKind.COMMENT)
                .map(t -> switch (t.kind()) {
                    case IDENTIFIER, QUOTED_IDENTIFIER -> "name:" + t.value();
                    case STRING -> (t.quoting() == Quoting.NATIONAL ? "nstring:" : "string:") + t.value();
                    default -> t.kind() + ":" + t.value();
                })
                .toList();
    }

    /** Re-lexing the executable text must give the same meaning as the source. */
    static void assertExecutableKeepsMeaning(LexedStatement s) throws LexerException {
        assertEquals(meaning(s.tokens()), meaning(Lexer.tokenize(s.executableSql())), s.executableSql());
    }

    @Test
    void stackedStatementsRejected() {
        LexerException e = rejected("SELECT 1; DELETE FROM orders");
        assertEquals("multiple statements are not allowed: ';' at offset 8 is followed by more SQL at offset 10;"
                + " send one statement (a single trailing ';' is fine)", e.getMessage());
        assertEquals(10, e.offset());
        rejected("SELECT 1;;");
        rejected("SELECT 1; -- c\n;");
        rejected("SELECT (1; 2)");
    }

    @Test
    void oneTrailingSemicolonIsDropped() throws LexerException {
        LexedStatement s = Lexer.analyse("SELECT 1; -- done\n /* really */ ");
        assertEquals("SELECT 1", s.executableSql());
        assertEquals(2, s.tokens().size());
        assertTrue(rejected(";").getMessage().startsWith("empty statement"));
        assertTrue(rejected("-- c\n;").getMessage().startsWith("empty statement"));
    }

    @Test
    void semicolonInsideLiteralIsNotASeparator() throws LexerException {
        LexedStatement s = Lexer.analyse("SELECT name FROM products WHERE name <> 'x; DROP TABLE users; --'");
        assertEquals("SELECT name FROM products WHERE name <> 's0'", s.skeletonSql());
        assertEquals("'x; DROP TABLE users; --'", s.literal(0));
        assertEquals("SELECT a FROM t", Lexer.analyse("SELECT a /* ; */ FROM t -- ;").executableSql());
        assertEquals("SELECT \";\" FROM t", Lexer.analyse("SELECT \";\" FROM t").executableSql());
    }

    @Test
    void bindParametersAreRejected() {
        LexerException e = rejected("SELECT * FROM t WHERE id = $1");
        assertEquals("bind parameters ($1) are not supported: found at offset 27; write the value into the SQL"
                + " as a literal", e.getMessage());
    }

    @Test
    void commentsAreRemovedWithoutGluingTokens() throws LexerException {
        assertEquals("SELECT 1 - -1", Lexer.analyse("SELECT 1 -/**/-1").executableSql());
        assertEquals("SELECT a\nFROM t",
                Lexer.analyse("/* lead */ SELECT/* x */a -- y\n  FROM t -- end").executableSql());
        assertEquals("SELECT id FROM t LIMIT 1", Lexer.analyse("SELECT id FROM t /* a\nb */ LIMIT 1").executableSql());
        assertEquals("SELECT 1 + 2", Lexer.analyse("SELECT 1 +/* c */2").executableSql());
    }

    @Test
    void whitespaceBetweenTokensIsKept() throws LexerException {
        String sql = "SELECT a,\n       b\tFROM t";
        assertEquals(sql, Lexer.analyse(sql).executableSql());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            SELECT 'it''s'                       | SELECT 'it''s'
            SELECT E'it\\'s'                     | SELECT 'it''s'
            SELECT E'\\\\'                       | SELECT '\\'
            SELECT e'a\\nb'                      | SELECT 'a<NL>b'
            SELECT U&'d\\0061ta'                 | SELECT 'data'
            SELECT U&'d!0061ta' UESCAPE '!'      | SELECT 'data'
            SELECT $$it's$$                      | SELECT 'it''s'
            SELECT $fn$ $$ ' $fn$                | SELECT ' $$ '' '
            SELECT N'abc'                        | SELECT N'abc'
            SELECT b'0101', X'1f'                | SELECT B'0101', X'1f'
            SELECT U&"\\0070assword_hash" FROM t | SELECT "password_hash" FROM t
            SELECT U&"a!0022b" UESCAPE '!'       | SELECT "a""b"
            SELECT "My ""x"" y"                  | SELECT "My ""x"" y"
            SELECT café, a$b FROM t              | SELECT "café", "a$b" FROM t
            SELECT CAFÉ                          | SELECT "cafÉ"
            """)
    void everyLiteralFlavourBecomesAStandardLiteral(String source, String executable) throws LexerException {
        LexedStatement s = Lexer.analyse(source);
        assertEquals(executable.replace("<NL>", "\n"), s.executableSql());
        assertExecutableKeepsMeaning(s);
    }

    @Test
    void continuedStringsAreMergedIntoOneLiteral() throws LexerException {
        LexedStatement s = Lexer.analyse("SELECT 'a' -- one\n   'b'\n'c' AS x");
        assertEquals("SELECT 'abc' AS x", s.executableSql());
        assertEquals("SELECT 's0' AS x", s.skeletonSql());
        assertEquals(1, s.literalCount());
        assertExecutableKeepsMeaning(s);
        assertEquals("SELECT 'AB'", Lexer.analyse("SELECT E'\\x41'\n'\\x42'").executableSql());
    }

    @Test
    void rewrittenTokensAreNeverGluedTogether() throws LexerException {
        LexedStatement s = Lexer.analyse("SELECT 1 AS U&\"a\"U&\"b\"");
        assertEquals("SELECT 1 AS \"a\" \"b\"", s.executableSql());
        assertExecutableKeepsMeaning(s);
        assertEquals("SELECT ('x')::text", Lexer.analyse("SELECT (E'x')::text").executableSql());
        for (String sneaky : List.of("SELECT U&E'\\\\0041'", "SELECT U&$$\\0041$$", "SELECT u&café", "SELECT U&N'x'")) {
            LexedStatement s2 = Lexer.analyse(sneaky);
            assertEquals(meaning(s2.tokens()), meaning(Lexer.tokenize(s2.executableSql())), s2.executableSql());
        }
        assertEquals("SELECT U& '\\0041'", Lexer.analyse("SELECT U&E'\\\\0041'").executableSql());
        assertEquals("SELECT 'a' \"b\"", Lexer.analyse("SELECT E'a'\"b\"").executableSql());
    }

    @Test
    void skeletonReplacesEveryStringAndKeepsBitStrings() throws LexerException {
        LexedStatement s = Lexer.analyse("SELECT 'a', E'b', $$c$$, U&'d', N'e', B'1', X'F' FROM t WHERE x = 's0'");
        assertEquals("SELECT 's0', 's1', 's2', 's3', N's4', B'1', X'F' FROM t WHERE x = 's5'", s.skeletonSql());
        assertEquals(6, s.literalCount());
        assertEquals(List.of("'a'", "'b'", "'c'", "'d'", "N'e'", "'s0'"),
                List.of(s.literal(0), s.literal(1), s.literal(2), s.literal(3), s.literal(4), s.literal(5)));
        assertEquals("s0", s.literalToken(5).value());
        assertEquals(Quoting.DOLLAR, s.literalToken(2).quoting());
        assertThrows(IndexOutOfBoundsException.class, () -> s.literal(6));
    }

    @Test
    void eStringDifferentialIsExposedInTheSkeleton() throws LexerException {
        LexedStatement s = Lexer.analyse("SELECT E'\\'', password_hash FROM users --'");
        assertEquals("SELECT 's0', password_hash FROM users", s.skeletonSql());
        assertEquals("SELECT '''', password_hash FROM users", s.executableSql());
        assertEquals("'", s.literalToken(0).value());
    }

    @Test
    void placeholderIndexParsesOnlyPlaceholders() {
        assertEquals(OptionalInt.of(0), LexedStatement.placeholderIndex("s0"));
        assertEquals(OptionalInt.of(123), LexedStatement.placeholderIndex(LexedStatement.placeholderValue(123)));
        for (String notOne : List.of("", "s", "x1", "s01", "s1a", "S1", "s-1", "s12345678")) {
            assertFalse(LexedStatement.placeholderIndex(notOne).isPresent(), notOne);
        }
    }

    @Test
    void tokensExcludeCommentsAndTheTrailingSemicolon() throws LexerException {
        LexedStatement s = Lexer.analyse("SELECT /* c */ 1 ;");
        assertEquals(List.of("SELECT", "1"), s.tokens().stream().map(Token::text).toList());
        assertEquals("SELECT /* c */ 1 ;", s.sourceSql());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "  SELECT 1  ", "\nSELECT 1;\n", "SELECT 1 -- c", "/* c */SELECT 1"})
    void executableIsTrimmed(String sql) throws LexerException {
        assertEquals("SELECT 1", Lexer.analyse(sql).executableSql());
    }
}
