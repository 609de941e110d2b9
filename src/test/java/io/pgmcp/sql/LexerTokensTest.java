package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where tokens begin and end, and how unquoted tokens are read (PostgreSQL 15 scan.l). */
class LexerTokensTest {

    /** "KIND:value" for each token, comments included, separated by spaces. */
    static String kindsAndValues(String sql) throws LexerException {
        return Lexer.tokenize(sql).stream()
                .map(t -> t.kind() + ":" + t.value())
                .collect(Collectors.joining(" "));
    }

    /** The token texts, separated by '|'. */
    static String texts(String sql) throws LexerException {
        return Lexer.tokenize(sql).stream().map(Token::text).collect(Collectors.joining("|"));
    }

    @Test
    void unquotedIdentifiersFoldAsciiOnly() throws LexerException {
        assertEquals("IDENTIFIER:select IDENTIFIER:password_hash IDENTIFIER:from IDENTIFIER:users",
                kindsAndValues("SELECT PASSWORD_HASH FROM USERS"));
        assertEquals("IDENTIFIER:École", kindsAndValues("ÉCOLE"));
        assertEquals("IDENTIFIER:straße", kindsAndValues("STRAßE"), "ß and other non-ASCII letters are not folded");
        assertEquals("IDENTIFIER:Äbc", kindsAndValues("ÄBC"));
    }

    @Test
    void offsetsAndTextMatchTheSource() throws LexerException {
        String sql = "SELECT  a1 ,E'x' -- c\n FROM t";
        for (Token t : Lexer.tokenize(sql)) {
            assertEquals(sql.substring(t.start(), t.end()), t.text());
        }
        assertEquals("SELECT|a1|,|E'x'|-- c|FROM|t", texts(sql));
    }

    @Test
    void dollarIsAnIdentifierCharacterSoNoQuoteStartsInsideAName() throws LexerException {
        assertEquals("IDENTIFIER:a$b$c", kindsAndValues("a$b$c"));
        assertEquals("IDENTIFIER:a$$b$$", kindsAndValues("a$$b$$"));
        assertEquals("IDENTIFIER:a STRING:b", kindsAndValues("a $$b$$"));
    }

    @Test
    void parameterIsItsOwnKind() throws LexerException {
        assertEquals("OPERATOR:= PARAMETER:$1 OPERATOR:+ PARAMETER:$23", kindsAndValues("=$1+$23"));
    }

    @Test
    void uAmpersandWithoutQuoteIsIdentifierU() throws LexerException {
        assertEquals("IDENTIFIER:u OPERATOR:& IDENTIFIER:x", kindsAndValues("U&x"));
        assertEquals("IDENTIFIER:u OPERATOR:& STRING:x", kindsAndValues("U& 'x'"));
    }

    @Test
    void prefixLettersOnlyCountAtTheStartOfAToken() throws LexerException {
        assertEquals("IDENTIFIER:type STRING:x", kindsAndValues("type'x'"));
        assertEquals("IDENTIFIER:be STRING:x", kindsAndValues("be'x'"));
        assertEquals("IDENTIFIER:xe STRING:\\n", kindsAndValues("XE'\\n'"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            42            | 42
            3.14          | 3.14
            .5            | .5
            1.            | 1.
            1e10          | 1e10
            1.5E-3        | 1.5E-3
            .5e+2         | .5e+2
            1.e5          | 1.e5
            """)
    void numbersFollowPostgres15(String sql, String number) throws LexerException {
        assertEquals("NUMBER:" + number, kindsAndValues(sql));
    }

    @Test
    void doubleDotAfterIntegerIsARangeNotADecimal() throws LexerException {
        assertEquals("NUMBER:1 PUNCTUATION:.. NUMBER:2", kindsAndValues("1..2"));
        assertEquals("NUMBER:1.5 NUMBER:.6", kindsAndValues("1.5.6"));
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            0x1F
            1FROM
            1_000
            1e
            1e+
            1.5e3abc
            .5x
            1.x
            1E'x'
            """)
    void numberGluedToLettersIsRejectedLikePostgres15(String sql) {
        LexerException e = assertThrows(LexerException.class, () -> Lexer.tokenize("SELECT " + sql));
        assertTrue(e.getMessage().startsWith("trailing junk after numeric literal at offset 7"), e.getMessage());
        assertEquals(7, e.offset());
    }

    @Test
    void parameterGluedToLettersIsRejected() {
        assertThrows(LexerException.class, () -> Lexer.tokenize("SELECT $1abc"));
    }

    @ParameterizedTest
    @CsvSource(quoteCharacter = '"', textBlock = """
            a<=b, a|<=|b
            a=-1, a|=|-|1
            a*-1, a|*|-|1
            a@-1, a|@-|1
            a!=-1, a|!=-|1
            a<>b, a|<>|b
            a+-+b, a|+|-|+|b
            a~~*b, a|~~*|b
            a->>'k', a|->>|'k'
            a?|b, a|?||b
            a#-b, a|#-|b
            a%-b, a|%-|b
            """)
    void operatorsAreCutAsPostgresCutsThem(String sql, String expected) throws LexerException {
        assertEquals(expected, texts(sql));
    }

    @Test
    void operatorStopsBeforeAComment() throws LexerException {
        assertEquals("NUMBER:1 OPERATOR:+ COMMENT:/* c */ NUMBER:2", kindsAndValues("1 +/* c */ 2"));
        assertEquals("NUMBER:1 OPERATOR:< COMMENT:--2", kindsAndValues("1 <--2"));
        assertEquals("NUMBER:1 OPERATOR:* COMMENT:/**/ OPERATOR:/ NUMBER:2", kindsAndValues("1 */**// 2"));
    }

    @Test
    void typecastAndTwoCharacterPunctuation() throws LexerException {
        assertEquals("IDENTIFIER:a TYPECAST::: IDENTIFIER:text", kindsAndValues("a::text"));
        assertEquals("IDENTIFIER:f PUNCTUATION:( IDENTIFIER:x PUNCTUATION:=> NUMBER:1 PUNCTUATION:, "
                + "IDENTIFIER:y PUNCTUATION::= NUMBER:2 PUNCTUATION:)", kindsAndValues("f(x => 1, y := 2)"));
        assertEquals("IDENTIFIER:a PUNCTUATION:[ NUMBER:1 PUNCTUATION:: NUMBER:2 PUNCTUATION:]",
                kindsAndValues("a[1:2]"));
        assertEquals("IDENTIFIER:s PUNCTUATION:. IDENTIFIER:t PUNCTUATION:. OPERATOR:*", kindsAndValues("s.t.*"));
    }

    @Test
    void nestedCommentsNest() throws LexerException {
        List<Token> tokens = Lexer.tokenize("SELECT /* a /* b */ still comment */ 1");
        assertEquals("IDENTIFIER:select COMMENT:/* a /* b */ still comment */ NUMBER:1",
                kindsAndValues("SELECT /* a /* b */ still comment */ 1"));
        assertEquals(3, tokens.size());
    }

    @Test
    void commentMarkersInsideOtherCommentsAreText() throws LexerException {
        assertEquals("COMMENT:-- /* not a block NUMBER:1", kindsAndValues("-- /* not a block\n1"));
        assertEquals("COMMENT:/* -- not a line */ NUMBER:1", kindsAndValues("/* -- not a line */ 1"));
        assertEquals("COMMENT:/*/ still open */ NUMBER:1", kindsAndValues("/*/ still open */ 1"));
    }

    @Test
    void lineCommentEndsAtCarriageReturnToo() throws LexerException {
        assertEquals("COMMENT:-- c NUMBER:1", kindsAndValues("-- c\r1"));
    }
}
