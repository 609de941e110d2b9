package io.pgmcp.sql;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;

/**
 * JSQLParser behind a time bound: the parse runs on the caller's thread and a watchdog sets the
 * parser's interrupt flag when the bound passes, so a pathological input fails instead of
 * spinning. Deep nesting is bounded by the lexer; a stack overflow is caught as a failure. The
 * only class besides the analysis that touches JSQLParser's entry points. Thread-safe.
 */
final class SqlParser {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pg-mcp-parse-watchdog").factory());

    private final Duration timeout;

    SqlParser(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The parsed statement; throws {@link Failure} (whose message never quotes JSQLParser). JSQLParser's simple
     * mode is tried first (about a fifth faster); only what it cannot read goes to the complex mode.
     */
    Statement parse(String sql) throws Failure {
        try {
            return parse(sql, false);
        } catch (Failure simple) {
            if (simple.timedOut) {
                throw simple;
            }
            return parse(sql, true);
        }
    }

    private Statement parse(String sql, boolean complex) throws Failure {
        CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(complex);
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            parser.interrupted = true;
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return parser.Statement();
        } catch (StackOverflowError e) {
            throw new Failure("the query is nested too deeply to analyse", true);
        } catch (Exception e) {
            if (parser.interrupted) {
                throw new Failure(
                        "the query took too long to analyse (over " + timeout.toMillis() + " ms); simplify it", true);
            }
            // JSQLParser's message (token kinds, lexical states) means nothing to a model; SqlGuard asks PostgreSQL why
            throw new Failure("pg-mcp could not parse this SQL", false);
        } finally {
            watchdog.cancel(false);
        }
    }

    /** The SQL could not be parsed in time or at all. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        /** Out of time or stack: not worth a second attempt in the complex mode. */
        final boolean timedOut;

        Failure(String message, boolean timedOut) {
            super(message, null, false, false);
            this.timedOut = timedOut;
        }
    }
}
