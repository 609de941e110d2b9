package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiteralRedactorTest {
    private final LiteralRedactor redactor = new LiteralRedactor();

    @Test
    void replacesEveryKindOfLiteralWithAQuestionMark() {
        assertEquals("SELECT * FROM users WHERE name = ? AND age > ? LIMIT ?",
                redactor.redact("SELECT * FROM users WHERE name = 'O''Brien' AND age > 30 LIMIT 10"));
        assertEquals("SELECT ?, ?, ?, ?",
                redactor.redact("SELECT E'it\\'s', U&'d\\0061t\\+000061', N'x', $q$a 'b' $q$"));
        assertEquals("SELECT ?, ?", redactor.redact("SELECT U&'d!0061t' UESCAPE '!', $$dollar$$"));
        assertEquals("SELECT ?, ?, ?, ?", redactor.redact("SELECT B'0101', X'1F', 1.5e10, .5"));
        assertEquals("SELECT ?\n", redactor.redact("SELECT 'con'\n'tinued'\n"));
        assertEquals("SELECT DATE ?, interval ?, ?::numeric",
                redactor.redact("SELECT DATE '2024-01-01', interval '1 day', 3::numeric"));
    }

    @Test
    void keepsIdentifiersParametersAndOperators() {
        assertEquals("SELECT t1.\"Name 2\", $1 FROM s.t1 WHERE x <> -?",
                redactor.redact("SELECT t1.\"Name 2\", $1 FROM s.t1 WHERE x <> -42"));
    }

    @Test
    void dropsCommentsWhichCanHoldValues() {
        assertEquals("SELECT ?   FROM t  \n", redactor.redact("SELECT 1 /* ssn 123-45-6789 */ FROM t -- 'Ann'\n"));
    }

    @Test
    void failsClosedOnTextTheLexerRejects() {
        for (String bad : List.of("SELECT 'unterminated", "SELECT $$ open", "", "-- only a comment",
                "SELECT \u0000'secret'", "SELECT 'x' 'y'", "SELECT 'a" + "b".repeat(70_000) + "'")) {
            assertEquals(LiteralRedactor.UNPARSEABLE, redactor.redact(bad), bad.length() > 80 ? "long" : bad);
        }
    }

    @Test
    void leavesNoLiteralInAnyAllowedQueryOfTheCorpus() throws LexerException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (GuardCorpus c : GuardCorpus.load()) {
            if (!c.allow()) {
                continue;
            }
            String redacted = redactor.redact(c.sql());
            if (redacted.equals(LiteralRedactor.UNPARSEABLE)) {
                problems.add(c.id() + ": an allowed query should lex");
                continue;
            }
            checked++;
            List<Token> originalLiterals = Lexer.tokenize(c.sql()).stream().filter(LiteralRedactorTest::isLiteral)
                    .toList();
            for (Token token : Lexer.tokenize(redacted)) {
                if (isLiteral(token)) {
                    problems.add(c.id() + ": literal " + token.text() + " left in " + redacted);
                }
                if (token.kind() == TokenKind.COMMENT) {
                    problems.add(c.id() + ": comment left in " + redacted);
                }
            }
            for (Token literal : originalLiterals) {
                if (literal.kind() != TokenKind.NUMBER && redacted.contains(literal.text())) {
                    problems.add(c.id() + ": literal " + literal.text() + " still in " + redacted);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(checked > 20, "only " + checked + " allowed queries in the corpus");
    }

    @Test
    void theCorpusHasLiteralsToRedact() throws LexerException {
        long withLiterals = 0;
        for (GuardCorpus c : GuardCorpus.load()) {
            if (c.allow() && Lexer.tokenize(c.sql()).stream().anyMatch(LiteralRedactorTest::isLiteral)) {
                withLiterals++;
                assertFalse(redactor.redact(c.sql()).equals(c.sql()), c.id());
            }
        }
        if (withLiterals < 10) {
            fail("only " + withLiterals + " allowed corpus queries hold literals");
        }
    }

    private static boolean isLiteral(Token token) {
        return switch (token.kind()) {
            case STRING, BIT_STRING, NUMBER -> true;
            default -> false;
        };
    }
}
