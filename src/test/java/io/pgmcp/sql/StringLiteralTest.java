package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every quoted form: where it ends and what it means (PostgreSQL 15, standard_conforming_strings on). */
class StringLiteralTest {

    private static Token only(String sql) throws LexerException {
        List<Token> tokens = Lexer.tokenize(sql);
        assertEquals(1, tokens.size(), () -> "expected one token in " + sql + " but got " + tokens);
        return tokens.get(0);
    }

    private static String value(String sql) throws LexerException {
        return only(sql).value();
    }

    private static LexerException rejected(String sql) {
        return assertThrows(LexerException.class, () -> Lexer.tokenize(sql), sql);
    }

    @Test
    void standardStringBackslashIsLiteral() throws LexerException {
        assertEquals("C:\\dir\\", value("'C:\\dir\\'"));
        List<Token> tokens = Lexer.tokenize("SELECT '\\', password_hash FROM users --'");
        assertEquals(7, tokens.size(), "the backslash does not escape the quote: " + tokens);
        assertEquals("password_hash", tokens.get(3).value());
    }

    @Test
    void doubledQuoteIsAQuote() throws LexerException {
        Token t = only("'it''s'");
        assertEquals("it's", t.value());
        assertEquals(Quoting.STANDARD, t.quoting());
        assertEquals("", value("''"));
        assertEquals("'", value("''''"));
    }

    @Test
    void semicolonAndCommentMarkersInsideLiteralAreData() throws LexerException {
        assertEquals("x; DROP TABLE users; --", value("'x; DROP TABLE users; --'"));
        assertEquals("/* no", value("'/* no'"));
    }

    @Test
    void eStringBackslashQuoteDoesNotHideTheRest() throws LexerException {
        List<Token> tokens = Lexer.tokenize("SELECT E'\\'', password_hash FROM users --'");
        assertEquals(List.of("select", "'", ",", "password_hash", "from", "users", "--'"),
                tokens.stream().map(Token::value).toList());
        assertEquals(Quoting.ESCAPE, tokens.get(1).quoting());
        assertEquals(TokenKind.COMMENT, tokens.get(6).kind());
    }

    @Test
    void eStringEscapes() throws LexerException {
        assertEquals("\f\n\r\t", value("E'\\f\\n\\r\\t'"));
        assertEquals("q'\\v", value("e'\\q\\'\\\\\\v'"), "unknown escapes mean the character itself");
        assertEquals("it's", value("E'it''s'"), "'' works in E strings too");
        assertEquals("AB8", value("E'\\101\\1028'"), "octal takes at most three digits");
        assertEquals("AB2", value("E'\\x41\\x422'"), "hex takes at most two digits");
        assertEquals("xg", value("E'\\xg'"), "\\x without digits is x");
        assertEquals("a\nb", value("E'a\\\nb'"), "backslash-newline is newline");
        assertEquals("é€😀", value("E'\\u00e9\\u20AC\\U0001F600'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"E'\\b'", "E'\\x01'", "E'\\18'", "E'\\u0085'", "E'\\x7F'", "U&'\\0007'", "U&\"a\\001Bb\""})
    void escapesCannotProduceControlCharacters(String sql) {
        assertTrue(rejected(sql).getMessage().contains("produce control character U+"));
    }

    @Test
    void eStringRawBytesMustFormUtf8() throws LexerException {
        assertEquals("é", value("E'\\xC3\\xA9'"));
        assertEquals("é", value("E'\\303\\251'"));
        assertEquals("xé€", value("E'x\\xC3\\xA9\\u20ac'"), "bytes and code points mix");
        assertTrue(rejected("E'\\xC3'").getMessage().contains("not valid UTF-8"));
        rejected("E'\\xC0\\x80'"); // overlong NUL
        rejected("E'\\xED\\xA0\\x80'"); // encoded surrogate
        rejected("E'\\377'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"E'a\\000b'", "E'\\400'", "E'\\x00'", "E'\\0'", "E'\\u0000'", "U&'\\0000'",
            "U&'\\+000000'"})
    void escapesCannotProduceNul(String sql) {
        rejected(sql);
    }

    @Test
    void eStringSurrogatePairsCombineAndLoneHalvesAreRejected() throws LexerException {
        assertEquals("😀", value("E'\\uD83D\\uDE00'"));
        assertEquals("😀", value("E'\\uD83D\\U0000DE00'"));
        rejected("E'\\uD83D'");
        rejected("E'\\uD83Dx'");
        rejected("E'\\uDE00'");
        rejected("E'\\uD83D\\u0041'");
        rejected("E'\\U00110000'");
        rejected("E'\\u12'");
        rejected("E'\\U1234'");
    }

    @Test
    void eStringBackslashAtEndIsUnterminated() {
        assertTrue(rejected("E'abc\\").getMessage().startsWith("unterminated string literal starting at offset 0"));
        rejected("E'abc\\'");
    }

    @Test
    void uescapeDecodes() throws LexerException {
        assertEquals("data", value("U&'d\\0061t\\+000061'"));
        assertEquals("data", value("u&'d!0061t!+000061' UESCAPE '!'"));
        assertEquals("dat", value("U&'d!0061t' /* c */ uescape -- d\n'!'"));
        assertEquals("dat", value("U&'d!0061t' UESCAPE $$!$$"));
        assertEquals("dat", value("U&'d!0061t' UESCAPE E'!'"));
        assertEquals("a\\b", value("U&'a\\\\b'"));
        assertEquals("a!\\0061", value("U&'a!!\\0061' UESCAPE '!'"));
        assertEquals("😀😀", value("U&'\\D83D\\DE00\\+01F600'"));
        Token t = only("U&'x' UESCAPE '!'");
        assertEquals(Quoting.UNICODE, t.quoting());
        assertEquals("U&'x' UESCAPE '!'", t.text(), "the token spans the UESCAPE clause");
    }

    @ParameterizedTest
    @ValueSource(strings = {"U&'a\\'", "U&'a\\12'", "U&'\\D83D'", "U&'\\DE00'", "U&'\\D83Dx'", "U&'\\+110000'",
            "U&'x' UESCAPE '+'", "U&'x' UESCAPE ''", "U&'x' UESCAPE 'ab'", "U&'x' UESCAPE 'a'", "U&'x' UESCAPE ' '",
            "U&'x' UESCAPE '\"'", "U&'x' UESCAPE 'ſ'", "U&'x' UESCAPE U&'!'", "U&'x' UESCAPE", "U&'x' UESCAPE 1",
            "U&\"x\" UESCAPE N'!'"})
    void invalidUnicodeEscapesAreRejected(String sql) {
        rejected(sql);
    }

    @Test
    void uescapeIsOnlyTheWholeWord() throws LexerException {
        List<Token> tokens = Lexer.tokenize("U&'x' uescapes");
        assertEquals(2, tokens.size());
        assertEquals("uescapes", tokens.get(1).value());
        // PostgreSQL's keyword match is ASCII-only: the long s does not make this UESCAPE
        assertEquals(2, Lexer.tokenize("U&'x' UEſCAPE").size());
    }

    @Test
    void unicodeQuotedIdentifierDecodes() throws LexerException {
        Token t = only("U&\"\\0070assword_hash\"");
        assertEquals(TokenKind.QUOTED_IDENTIFIER, t.kind());
        assertEquals(Quoting.UNICODE, t.quoting());
        assertEquals("password_hash", t.value());
        assertEquals("d\"t", value("U&\"d!0022t\" UESCAPE '!'"));
        assertEquals("a\"b", value("U&\"a\"\"b\""));
    }

    @Test
    void quotedIdentifierKeepsCaseAndUndoublesQuotes() throws LexerException {
        Token t = only("\"My \"\"Table\"\"\"");
        assertEquals("My \"Table\"", t.value());
        assertEquals(Quoting.STANDARD, t.quoting());
        assertEquals("a\u200Bb", value("\"a\u200Bb\""), "format characters are data inside quotes");
    }

    @Test
    void quotedIdentifierRules() {
        assertTrue(rejected("SELECT \"\"").getMessage().startsWith("zero-length quoted identifier"));
        rejected("U&\"\"");
        assertTrue(rejected("SELECT \"abc").getMessage()
                .startsWith("unterminated quoted identifier starting at offset 7"));
        String name64 = "a".repeat(64);
        assertTrue(rejected("\"" + name64 + "\"").getMessage().contains("64 bytes"));
        rejected(name64);
        rejected("\"" + "é".repeat(32) + "\""); // 64 bytes in 32 characters
        rejected("U&\"" + "\\00e9".repeat(32) + "\"");
    }

    @Test
    void nameOf63BytesIsAccepted() throws LexerException {
        assertEquals(63, value("a".repeat(63)).length());
        assertEquals(63, value("\"" + "b".repeat(63) + "\"").length());
        assertEquals(21, value("\"" + "€".repeat(21) + "\"").length()); // 63 bytes
    }

    @Test
    void nationalStringIsItsOwnFlavour() throws LexerException {
        Token t = only("N'abc'");
        assertEquals(TokenKind.STRING, t.kind());
        assertEquals(Quoting.NATIONAL, t.quoting());
        assertEquals("abc", t.value());
        assertEquals("a\\b", value("n'a\\b'"), "N strings follow standard string rules");
    }

    @Test
    void dollarQuotedBodyIsOneLiteral() throws LexerException {
        Token t = only("$x$ ' ; DROP TABLE t; -- $y$ $x$");
        assertEquals(Quoting.DOLLAR, t.quoting());
        assertEquals(" ' ; DROP TABLE t; -- $y$ ", t.value());
        assertEquals("a", value("$$a$$"));
        assertEquals("", value("$$$$"));
        assertEquals("x$b$y", value("$a$x$b$y$a$"));
        assertEquals("E'\\'", value("$_$E'\\'$_$"));
        assertEquals("1", value("$é$1$é$"), "non-ASCII tag characters are allowed");
        assertEquals("\u200B", value("$$\u200B$$"), "format characters are data inside");
    }

    @Test
    void dollarQuoteRules() {
        assertTrue(rejected("SELECT $x$ abc").getMessage()
                .startsWith("unterminated dollar-quoted string starting at offset 7"));
        rejected("SELECT $a$x$a$$a$"); // closes after x; then opens again
        rejected("SELECT $x");
        rejected("SELECT $");
        rejected("SELECT $1x$ 1 $1x$");
        rejected("SELECT $\u200B$ a $\u200B$");
    }

    @Test
    void continuationNeedsNewline() throws LexerException {
        assertEquals("ab", value("'a'\n'b'"));
        assertEquals("ab", value("'a'  \r\n\t 'b'"));
        assertEquals("ab", value("'a' -- c\n'b'"));
        assertEquals("abc", value("'a'\n -- c\n 'b'\n'c'"));
        assertEquals("0110", value("B'01'\n'10'"));
        assertEquals("1F2A", value("X'1F'\n'2A'"));
        assertEquals("ab", value("N'a'\n'b'"));
        assertTrue(rejected("SELECT 'a' 'b'").getMessage().contains("line break"));
        rejected("SELECT 'a'\f'b'");
        rejected("SELECT 'a' /* c */\n'b'");
        rejected("SELECT 'a'\n/* c */'b'");
        rejected("SELECT 'a'\nE'b'");
        rejected("SELECT $$a$$\n'b'");
        rejected("SELECT B'1' '0'");
        rejected("SELECT B'1''0'");
    }

    @Test
    void continuedPiecesKeepTheFirstPiecesRules() throws LexerException {
        assertEquals("AB", value("E'\\x41'\n'\\x42'"));
        assertEquals("AB", value("U&'\\0041'\n'\\0042'"));
        assertEquals("AB", value("U&'!0041'\n'!0042' UESCAPE '!'"));
        assertEquals("a\\x42", value("'a'\n'\\x42'"));
        Token t = only("'a' -- c\n'b'");
        assertEquals("'a' -- c\n'b'", t.text(), "the token spans every piece");
    }

    @Test
    void bitStringsAreChecked() throws LexerException {
        Token b = only("b'0101'");
        assertEquals(TokenKind.BIT_STRING, b.kind());
        assertEquals(Quoting.BINARY, b.quoting());
        assertEquals("0101", b.value());
        assertEquals(Quoting.HEX, only("x'1f'").quoting());
        assertEquals("", value("B''"));
        rejected("B'12'");
        rejected("X'1G'");
        rejected("SELECT B'\\', password_hash FROM users --'");
        rejected("X'1F");
    }

    @Test
    void unterminatedStringSaysWhere() {
        LexerException e = rejected("SELECT a FROM t WHERE 'abc");
        assertEquals(
                "unterminated string literal starting at offset 22; close it with ' (and write a quote inside it as '')",
                e.getMessage());
        assertEquals(22, e.offset());
        rejected("SELECT 'it''");
        rejected("SELECT U&'abc");
        rejected("SELECT N'abc");
    }
}
