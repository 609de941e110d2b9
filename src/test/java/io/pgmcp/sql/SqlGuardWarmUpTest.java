package io.pgmcp.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import net.sf.jsqlparser.statement.select.Select;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up parses what it says it parses: a statement the parser could not read would end the
 * warm-up early and silently leave the parser's first use to the first call.
 */
class SqlGuardWarmUpTest {
    @Test
    void everyWarmUpStatementLexesAndParsesAsAQuery() throws Exception {
        assertFalse(SqlGuard.WARM_UP.isEmpty());
        SqlParser parser = new SqlParser(Duration.ofSeconds(10));
        for (String sql : SqlGuard.WARM_UP) {
            assertInstanceOf(Select.class, parser.parse(Lexer.analyse(sql).skeletonSql()), sql);
        }
    }
}
