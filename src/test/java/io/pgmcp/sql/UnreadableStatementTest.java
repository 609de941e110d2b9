package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmcp.config.AccessPolicyConfig;
import io.pgmcp.config.ColumnAccessConfig;
import io.pgmcp.config.FunctionAccessConfig;
import io.pgmcp.config.OnDenied;
import io.pgmcp.config.SelectStarPolicy;
import io.pgmcp.config.TableAccessConfig;
import io.pgmcp.db.GrammarCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL the lexer accepts but JSQLParser cannot read: refused in PostgreSQL's words (a stand-in for its
 * grammar here; the real one in the query tests), never in the parser library's.
 */
class UnreadableStatementTest {

    /** Asked statements, and the answer it gives. */
    static final class ScriptedGrammar implements PostgresGrammar {
        final List<String> asked = new ArrayList<>();
        private final GrammarCheck answer;

        ScriptedGrammar(GrammarCheck answer) {
            this.answer = answer;
        }

        @Override
        public GrammarCheck check(String statement) {
            asked.add(statement);
            return answer;
        }
    }

    static SqlGuard guard(PostgresGrammar grammar) {
        AccessPolicyConfig defaults = AccessPolicyConfig.defaults();
        return new SqlGuard(
                new AccessPolicy(new AccessPolicyConfig(List.of("public"), new TableAccessConfig(List.of(), List.of()),
                        new ColumnAccessConfig(List.of("users.ssn"), List.of(), OnDenied.REJECT,
                                SelectStarPolicy.REJECT),
                        defaults.explainPolicy(), new FunctionAccessConfig(List.of()))),
                "appdb", grammar);
    }

    static Verdict.Denied denied(PostgresGrammar grammar, String sql) {
        return assertInstanceOf(Verdict.Denied.class, guard(grammar).check(sql, SqlGuardTest.CATALOG), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELEC id FROM orders", "SELECT id FROM orders WHERE id = 1 AND",
            "SELECT id, total FORM orders"})
    void unparsableSqlNeverQuotesTheParserLibrary(String sql) {
        Verdict.Denied denied = denied(PostgresGrammar.UNAVAILABLE, sql);
        assertEquals(Verdict.Reason.UNSAFE_SQL, denied.reason());
        assertEquals("pg-mcp could not parse this SQL. Check its syntax: write one read-only PostgreSQL SELECT "
                + "(or WITH ... SELECT, VALUES, TABLE).", denied.message());
        for (String internal : List.of("Encountered", "S_IDENTIFIER", "lexical state", "<EOF>", "column 1")) {
            assertFalse(denied.message().contains(internal), denied.message());
        }
    }

    @Test
    void aGrammarErrorIsASyntaxErrorInPostgresqlsWordsWithLineAndColumn() {
        String sql = "-- orders of today\nSELECT id,\n       total\n  FORM orders;";
        int position = sql.codePointCount(0, sql.indexOf("orders;")) + 1;
        ScriptedGrammar grammar = new ScriptedGrammar(
                new GrammarCheck.Rejected("42601", "syntax error at or near \"orders\"",
                        position, null));
        Verdict.Denied denied = denied(grammar, sql);
        assertEquals(List.of(sql), grammar.asked, "PostgreSQL is asked about the text as submitted");
        assertEquals(Verdict.Reason.SYNTAX_ERROR, denied.reason());
        assertEquals(
                "PostgreSQL rejected the SQL (SQLSTATE 42601): syntax error at or near \"orders\" at character "
                        + position
                        + " (line 4, column 8). Correct the SQL (PostgreSQL dialect, one read-only query).",
                denied.message());
        assertEquals(new RefusalDetails.SyntaxError("42601", position, 4, 8, null), denied.details());
    }

    @Test
    void columnsCountCharactersNotUtf16Units() {
        String sql = "SELECT '\uD83D\uDE00\uD83D\uDE00' AS x FORM orders";
        Verdict.Denied denied = denied(new ScriptedGrammar(new GrammarCheck.Rejected("42601",
                "syntax error at or near \"FORM\"", 18, null)), sql);
        RefusalDetails.SyntaxError syntax = assertInstanceOf(RefusalDetails.SyntaxError.class, denied.details());
        assertEquals(18, syntax.column(), "FORM is the 18th character (the 20th UTF-16 unit)");
        assertEquals(1, syntax.line());
    }

    @Test
    void anErrorAtTheEndOfInputIsPlacedJustPastTheText() {
        String sql = "SELECT id FROM orders WHERE id = 1 AND";
        Verdict.Denied denied = denied(
                new ScriptedGrammar(new GrammarCheck.Rejected("42601", "syntax error at end of input",
                        sql.length() + 1, null)),
                sql);
        assertEquals(sql.length() + 1, assertInstanceOf(RefusalDetails.SyntaxError.class, denied.details()).column());
        assertTrue(
                denied.message().startsWith(
                        "PostgreSQL rejected the SQL (SQLSTATE 42601): syntax error at end of input at character 39"),
                denied.message());
    }

    @Test
    void aStatementOfAnotherKindIsUnsafeSqlNotASyntaxError() {
        for (String sql : List.of("VACUUM orders", "CHECKPOINT", "LISTEN x")) {
            Verdict.Denied denied = denied(new ScriptedGrammar(new GrammarCheck.Rejected("42601",
                    "syntax error at or near \"" + sql.split(" ")[0] + "\"", 1, null)), sql);
            assertEquals(Verdict.Reason.UNSAFE_SQL, denied.reason(), sql);
            assertTrue(
                    denied.message()
                            .startsWith("only a read-only SELECT (or WITH ... SELECT, VALUES, TABLE) is allowed, not "),
                    denied.message());
        }
        Verdict.Denied misspelt = denied(new ScriptedGrammar(new GrammarCheck.Rejected("42601",
                "syntax error at or near \"SELEC\"", 1, null)), "SELEC id FROM orders");
        assertEquals(Verdict.Reason.SYNTAX_ERROR, misspelt.reason(), "an unknown first word is a syntax error");
    }

    @Test
    void aConstructPostgresqlAcceptsButPgMcpCannotReadIsUnsafeSql() {
        Verdict.Denied denied = denied(new ScriptedGrammar(new GrammarCheck.Accepted()), "SELECT - -id FROM orders");
        assertEquals(Verdict.Reason.UNSAFE_SQL, denied.reason());
        assertTrue(denied.message().startsWith("pg-mcp cannot analyse this construct yet"), denied.message());
        assertFalse(denied.message().contains("Encountered"), denied.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1; SELEC 2", "SELEC $1", "SELEC 'x' 'y'", "SELEC id FROM orders /* unterminated"})
    void theGrammarIsNeverAskedAboutTextTheLexerRefused(String sql) {
        PostgresGrammar never = statement -> fail("asked about " + statement);
        assertEquals(Verdict.Reason.UNSAFE_SQL, denied(never, sql).reason());
    }

    @Test
    void parsableSqlIsNeverSentToPostgresqlsGrammar() {
        PostgresGrammar never = statement -> fail("asked about " + statement);
        assertInstanceOf(Verdict.Allowed.class, guard(never).check("SELECT id FROM orders", SqlGuardTest.CATALOG));
        assertEquals(Verdict.Reason.COLUMN_ACCESS_DENIED, denied(never, "SELECT ssn FROM users").reason());
    }
}
