package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.DateUnitExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.BitwiseOr;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.statement.select.PlainSelect;
import org.junit.jupiter.api.Test;

/**
 * How JSQLParser 5.4 reads PostgreSQL it does not know, pinned so that an upgrade that changes it
 * shows up here: the guard's analysis (and the lexer's skeleton) is built on these readings.
 */
class JsqlParserBehaviourTest {
    private static final SqlParser PARSER = new SqlParser(Duration.ofSeconds(2));

    private static PlainSelect select(String sql) throws SqlParser.Failure {
        return assertInstanceOf(PlainSelect.class, PARSER.parse(sql));
    }

    private static Expression firstItem(String sql) throws SqlParser.Failure {
        return select(sql).getSelectItems().getFirst().getExpression();
    }

    @Test
    void dateUnitWordsAreReadAsDateUnitsNotColumns() throws Exception {
        assertInstanceOf(DateUnitExpression.class, firstItem("SELECT month FROM t"));
        assertInstanceOf(DateUnitExpression.class, firstItem("SELECT Second FROM t"));
        assertInstanceOf(net.sf.jsqlparser.schema.Column.class, firstItem("SELECT week FROM t"));
        assertInstanceOf(net.sf.jsqlparser.schema.Column.class, firstItem("SELECT \"month\" FROM t"));
    }

    @Test
    void keywordSyntaxIsReadAsFunctionCalls() throws Exception {
        assertEquals("ROW", assertInstanceOf(Function.class, firstItem("SELECT ROW(1, 2)")).getName());
        assertEquals("grouping",
                assertInstanceOf(Function.class, firstItem("SELECT grouping(a) FROM t GROUP BY ROLLUP (a)")).getName());
        BinaryExpression any = assertInstanceOf(BinaryExpression.class,
                select("SELECT 1 FROM t WHERE a = ANY (ARRAY[1])").getWhere());
        assertEquals("ANY", assertInstanceOf(Function.class, any.getRightExpression()).getName());
        Object rollup = select("SELECT 1 FROM t GROUP BY ROLLUP (a, (b, c))").getGroupBy().getGroupByExpressionList()
                .getFirst();
        assertEquals("ROLLUP", assertInstanceOf(Function.class, rollup).getName());
    }

    @Test
    void someBuiltInOperatorsAreSplitOrRefused() throws Exception {
        // PostgreSQL's #- (delete path) becomes # applied to a negated operand
        BinaryExpression split = assertInstanceOf(BinaryExpression.class, firstItem("SELECT j #- '{a}' FROM t"));
        assertInstanceOf(SignedExpression.class, split.getRightExpression());
        assertThrows(SqlParser.Failure.class, () -> PARSER.parse("SELECT j @? '$.a' FROM t"));
        assertThrows(SqlParser.Failure.class, () -> PARSER.parse("SELECT 1 OPERATOR(pg_catalog.+) 2"));
    }

    @Test
    void binaryOperatorsAreReadLeftToRightWithoutPostgresPrecedence() throws Exception {
        // PostgreSQL reads a | b + c as a | (b + c); JSQLParser reads (a | b) + c, and a || b | c as (a || b) | c.
        // The guard checks every operand whatever the shape, and a rewrite prints the operators back in the
        // order they were written, so PostgreSQL re-reads the text with its own precedence
        Addition addition = assertInstanceOf(Addition.class, firstItem("SELECT a | b + c FROM t"));
        assertInstanceOf(BitwiseOr.class, addition.getLeftExpression());
        BitwiseOr or = assertInstanceOf(BitwiseOr.class, firstItem("SELECT a || b | c FROM t"));
        assertInstanceOf(Concat.class, or.getLeftExpression());
        assertEquals("SELECT a | b + c FROM t", select("SELECT a | b + c FROM t").toString());
    }

    @Test
    void tablesampleAfterAFunctionInFromIsDropped() throws Exception {
        // PostgreSQL refuses TABLESAMPLE on a function; JSQLParser parses it and keeps nothing of it
        assertEquals("SELECT * FROM generate_series(1, 2)",
                select("SELECT * FROM generate_series(1, 2) TABLESAMPLE SYSTEM (10)").toString());
    }

    @Test
    void someNamesAreReadAsKeywords() {
        // ParserSpelling quotes these in the skeleton; a JSQLParser that reads them is noticed here
        for (String word : ParserSpelling.NAMES_AFTER_AS_OR_DOT) {
            assertThrows(SqlParser.Failure.class, () -> PARSER.parse("SELECT 1 AS " + word), word);
            assertDoesNotThrow(() -> PARSER.parse("SELECT 1 AS \"" + word + "\""), word);
        }
        for (String word : ParserSpelling.NAMES_EVERYWHERE) {
            assertThrows(SqlParser.Failure.class, () -> PARSER.parse("SELECT " + word + " FROM t"), word);
            assertDoesNotThrow(() -> PARSER.parse("SELECT \"" + word + "\" FROM t"), word);
        }
    }
}
