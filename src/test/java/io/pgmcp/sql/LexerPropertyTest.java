package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random token soups (seeded, so failures reproduce): the lexer throws nothing but
 * {@link LexerException}, and whatever it accepts it re-emits with the same meaning.
 */
class LexerPropertyTest {

    private static final List<String> FRAGMENTS = List.of(
            "SELECT", "a", "Ab", "x", "e", "u", "n", "b", "uescape", "UESCAPE", "1", "0", ".5", "1.", "1e5", "..", ".",
            "'s''t'", "'", "''", "\"", "\"q\"\"x\"", "E'\\''", "E'", "E'\\x41'", "E'\\xC3\\xA9'", "E'\\u00e9'", "\\",
            "$$", "$t$", "$", "$1", "U&'\\0041'", "U&\"\\0061\"", "U&'!0041'", "U&", "'!'", "&", "B'01'", "X'1F'",
            "N'x'", "--", "/*", "*/", "\n", "\r", " ", "\t", ";", "(", ")", "[", "]", ",", "::", ":", ":=", "=>",
            "+", "-", "*", "/", "<", ">", "=", "!", "@", "#", "%", "^", "|", "~", "?", "`", "é", "\u200B", "\u00A0",
            "\uD83D\uDE00", "caf\u00e9", "a$b", "\f", "{", "}", "0x1F", "1a");

    @Test
    void randomTokenSoupsAreRejectedCleanlyOrKeepTheirMeaning() {
        Random random = new Random(20240915L);
        int accepted = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sql = new StringBuilder();
            int pieces = 1 + random.nextInt(12);
            for (int i = 0; i < pieces; i++) {
                sql.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
                if (random.nextInt(3) == 0) {
                    sql.append(' ');
                }
            }
            if (check(sql.toString())) {
                accepted++;
            }
        }
        assertTrue(accepted > 1_000, "too few soups accepted to mean anything: " + accepted);
    }

    @Test
    void randomCharacterStringsAreRejectedCleanlyOrKeepTheirMeaning() {
        String alphabet = "aeEuUnNbBxX01$'\"\\&;:-/*()[] \n.+=!é\u200B\uD83D\uDE00";
        Random random = new Random(7L);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sql = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int i = 0; i < length; i++) {
                sql.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            check(sql.toString());
        }
    }

    /** Returns whether the SQL was accepted; fails the test on any non-LexerException or lost meaning. */
    private static boolean check(String sql) {
        LexedStatement statement;
        try {
            statement = Lexer.analyse(sql);
        } catch (LexerException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= sql.length(), () -> "offset out of range for " + sql);
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("unexpected " + e + " for input: " + escape(sql), e);
        }
        try {
            LexedStatement again = Lexer.analyse(statement.executableSql());
            assertEquals(LexedStatementTest.meaning(statement.tokens()), LexedStatementTest.meaning(again.tokens()),
                    () -> "meaning changed for " + escape(sql));
            assertEquals(statement.executableSql(), again.executableSql(), () -> "not idempotent for " + escape(sql));
            // the empty select list's stand-in is no token a query may hold: it is not part of the shape
            LexedStatement skeleton = Lexer
                    .analyse(statement.skeletonSql().replace(ParserSpelling.EMPTY_SELECT_LIST, ""));
            assertEquals(statement.tokens().size() + spelledDifferently(statement), skeleton.tokens().size(),
                    () -> "skeleton shape for " + escape(sql));
            assertEquals(statement.literalCount(), skeleton.literalCount());
        } catch (LexerException e) {
            fail("normalised text of " + escape(sql) + " was rejected: " + e.getMessage());
        }
        return true;
    }

    /** Tokens the skeleton adds to the statement's, or leaves out, to spell it for JSQLParser. */
    private static int spelledDifferently(LexedStatement statement) {
        int difference = 0;
        for (int n = 0; n < statement.operatorCount(); n++) {
            if (statement.operatorIsPrefix(n)) {
                difference++; // the dummy 0 before the placeholder
            }
        }
        List<Token> tokens = statement.tokens();
        for (int i = 0; i < tokens.size(); i++) {
            if (ParserSpelling.isGroupByQuantifier(tokens, i)) {
                difference--;
            }
        }
        return difference;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars()
                .forEach(c -> sb.append(c < 0x20 || c > 0x7E ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.toString();
    }
}
