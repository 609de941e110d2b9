package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.JsonExpression;
import net.sf.jsqlparser.statement.select.PlainSelect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The skeleton's spelling of what JSQLParser cannot read (the real catalog's operators: FunctionCatalogTest). */
class ParserSpellingTest {

    @Test
    void everyBuiltInOperatorJsqlParserCannotReadIsHidden() {
        SqlParser parser = new SqlParser(Duration.ofSeconds(2));
        Set<String> unreadable = new TreeSet<>();
        for (String op : ParserSpelling.BUILTIN_BINARY_OPERATORS) {
            String expression = "x " + op + " y";
            try {
                PlainSelect select = (PlainSelect) parser.parse("SELECT " + expression + " FROM t");
                Expression read = select.getSelectItems().getFirst().getExpression();
                if (!(read instanceof BinaryExpression || read instanceof JsonExpression)
                        || !read.toString().equals(expression)) {
                    unreadable.add(op);
                }
            } catch (SqlParser.Failure e) {
                unreadable.add(op);
            }
        }
        unreadable.removeAll(ParserSpelling.HIDDEN_OPERATORS);
        assertEquals(Set.of(), unreadable, "built-in operators JSQLParser cannot read that the skeleton does not hide");
        assertTrue(ParserSpelling.BUILTIN_BINARY_OPERATORS.containsAll(ParserSpelling.HIDDEN_OPERATORS));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "SELECT j @? 'x' FROM t;SELECT j | 's0' FROM t",
            "SELECT a|b, a@?b, a ~~ b FROM t;SELECT a | b, a | b, a | b FROM t",
            "SELECT 1 OPERATOR(pg_catalog.+) 2;SELECT 1 | 2",
            "SELECT 1 operator ( \"pg_catalog\" . * ) 2;SELECT 1 | 2",
            "SELECT 1 OPERATOR(+) 2;SELECT 1 | 2",
            "SELECT 1 OPERATOR(public.+) 2;SELECT 1 OPERATOR(public.+) 2",
            "SELECT !! q, |/ 25, ||/ 8, @ -5, @-@ p FROM t;SELECT 0 | q, 0 | 25, 0 | 8, 0 | -5, 0 | p FROM t",
            "SELECT a # b, # p, (# p), a @@ b, @@ b FROM t;SELECT a | b, 0 | p, ( 0 | p), a @@ b, 0 | b FROM t",
            "SELECT - 5, ~ 5, + 5, OPERATOR(pg_catalog.-) 5, 1 OPERATOR(pg_catalog.-) 5;SELECT - 5, ~ 5, + 5, 0 | 5, 1 | 5",
            "SELECT 1 WHERE NOT @ x = ANY(a) AND b ?| c;SELECT 1 WHERE NOT 0 | x = ANY(a) AND b ?| c",
            "SELECT OPERATOR(pg_catalog.*) 5, a OPERATOR(pg_catalog.!!) b;SELECT OPERATOR(pg_catalog.*) 5, a OPERATOR(pg_catalog.!!) b"})
    void operatorsJsqlParserCannotReadArePlaceholdersInTheSkeletonOnly(String sql, String skeleton)
            throws LexerException {
        LexedStatement lexed = Lexer.analyse(sql);
        assertEquals(skeleton, lexed.skeletonSql().replaceAll(" +", " "));
        assertEquals(sql, lexed.executableSql());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1 OPERATOR(pg_catalog.===) 2", "SELECT 1 === 2", "SELECT a %- b", "SELECT ! a",
            "SELECT a = % b", "SELECT (<> 1)"})
    void operatorsThatAreNoBuiltInOperatorWhereTheyStandAreRefusedByTheLexer(String sql) {
        LexerException e = assertThrows(LexerException.class, () -> Lexer.analyse(sql));
        assertTrue(e.getMessage().contains("is not one of PostgreSQL's built-in operators"), e.getMessage());
    }

    @Test
    void eachPlaceholderKnowsTheOperatorItStandsFor() throws LexerException {
        LexedStatement lexed = Lexer.analyse("SELECT a | b @? c OPERATOR( pg_catalog . + ) d");
        assertEquals(3, lexed.operatorCount());
        assertEquals("|", lexed.operatorText(0));
        assertEquals("@?", lexed.operatorText(1));
        assertEquals("OPERATOR( pg_catalog . + )", lexed.operatorText(2));
        LexedStatement prefix = Lexer.analyse("SELECT !! a | OPERATOR(pg_catalog.-) b");
        assertEquals(List.of("!!", "|", "OPERATOR(pg_catalog.-)"),
                List.of(prefix.operatorText(0), prefix.operatorText(1),
                        prefix.operatorText(2)));
        assertEquals(List.of(true, false, true), List.of(prefix.operatorIsPrefix(0), prefix.operatorIsPrefix(1),
                prefix.operatorIsPrefix(2)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "TABLE users;SELECT * FROM users",
            "TABLE ONLY users ORDER BY 1;SELECT * FROM ONLY users ORDER BY 1",
            "SELECT x FROM (TABLE users) u;SELECT x FROM (SELECT * FROM users) u",
            "TABLE a UNION ALL TABLE b;SELECT * FROM a UNION ALL SELECT * FROM b",
            "TABLE a EXCEPT DISTINCT TABLE \"B\";SELECT * FROM a EXCEPT DISTINCT SELECT * FROM \"B\"",
            "WITH w AS (SELECT 1) TABLE w;WITH w AS (SELECT 1) SELECT * FROM w",
            "SELECT t.table, 1 AS table FROM t;SELECT t.table, 1 AS table FROM t",
            "LOCK TABLE users;LOCK TABLE users",
            "SELECT 1 INTO TABLE t;SELECT 1 INTO TABLE t"})
    void tableQueriesAreWrittenOutInWhatRunsAndWhatIsParsed(String sql, String written) throws LexerException {
        LexedStatement lexed = Lexer.analyse(sql);
        assertEquals(written, lexed.executableSql());
        assertEquals(written, lexed.skeletonSql());
    }
}
