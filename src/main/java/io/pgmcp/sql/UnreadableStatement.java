package io.pgmcp.sql;

import io.pgmcp.db.GrammarCheck;
import java.util.Locale;
import java.util.Set;

/**
 * A statement the lexer accepted but JSQLParser could not read, and the refusal for it. PostgreSQL's
 * grammar is asked (it cannot run the statement; see {@link PostgresGrammar}) so that the model learns
 * what is wrong in PostgreSQL's own words and nothing of the parser library's internals:
 *
 * <ul>
 * <li>the grammar rejects it: {@code SYNTAX_ERROR} with PostgreSQL's message and its position
 *     (character, line, column in the submitted text) — or, when the error is at a first word that
 *     starts some other kind of statement ({@code SHOW}, {@code VACUUM}...), {@code UNSAFE_SQL}
 *     saying that only a read-only query may run;</li>
 * <li>the grammar accepts it: {@code UNSAFE_SQL}, pg-mcp cannot analyse this construct yet;</li>
 * <li>PostgreSQL cannot be asked: {@code UNSAFE_SQL} with a message of pg-mcp's own.</li>
 * </ul>
 * Only the raw grammar is consulted, never name resolution: the answer depends on the text alone, so
 * it tells nothing about which names exist.
 */
final class UnreadableStatement {
    static final String ONLY_QUERIES = "only a read-only SELECT (or WITH ... SELECT, VALUES, TABLE) is allowed";

    /** First words of PostgreSQL statements that are not queries (and not preparable, so the grammar check stops at them). */
    private static final Set<String> OTHER_STATEMENTS = Set.of("abort", "alter", "analyse", "analyze", "begin", "call",
            "checkpoint", "close", "cluster", "comment", "commit", "copy", "create", "deallocate", "declare", "discard",
            "do",
            "drop", "end", "execute", "explain", "fetch", "grant", "import", "listen", "load", "lock", "move", "notify",
            "prepare", "reassign", "refresh", "reindex", "release", "reset", "revoke", "rollback", "savepoint",
            "security",
            "set", "show", "start", "truncate", "unlisten", "vacuum");

    /** First words of data-modifying statements, which the grammar check accepts. */
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "merge");

    private final LexedStatement statement;

    UnreadableStatement(LexedStatement statement) {
        this.statement = statement;
    }

    /** PostgreSQL's grammar's answer about the submitted text: whether it has one (or could not be asked). */
    GrammarCheck ask(PostgresGrammar grammar) {
        return grammar.check(statement.sourceSql());
    }

    /** The refusal, given the grammar's {@code answer} about the submitted text ({@link #ask}). */
    Verdict.Denied refusal(GrammarCheck answer) {
        Token first = statement.tokens().getFirst();
        String firstWord = first.kind() == TokenKind.IDENTIFIER ? first.value() : "";
        return switch (answer) {
            case GrammarCheck.Rejected rejected -> {
                Integer at = rejected.position() == null ? null : charIndex(rejected.position());
                if (at != null && at == first.start() && OTHER_STATEMENTS.contains(firstWord)) {
                    yield notAQuery(firstWord);
                }
                yield syntaxError(rejected, at);
            }
            case GrammarCheck.Accepted accepted -> WRITES.contains(firstWord)
                    ? notAQuery(firstWord)
                    : unsafe(
                            "pg-mcp cannot analyse this construct yet: PostgreSQL's grammar accepts the SQL, but pg-mcp's "
                                    + "checker cannot read it, and SQL it cannot check does not run. Write the query with more common "
                                    + "constructs.");
            case GrammarCheck.Unanswered unanswered ->
                unsafe("pg-mcp could not parse this SQL. Check its syntax: write one "
                        + "read-only PostgreSQL SELECT (or WITH ... SELECT, VALUES, TABLE).");
        };
    }

    private Verdict.Denied syntaxError(GrammarCheck.Rejected rejected, Integer at) {
        StringBuilder message = new StringBuilder("PostgreSQL rejected the SQL (SQLSTATE ").append(rejected.sqlState())
                .append("): ").append(rejected.message());
        Integer line = null;
        Integer column = null;
        if (at != null) {
            String sql = statement.sourceSql();
            int lineStart = sql.lastIndexOf('\n', at - 1) + 1;
            line = 1 + (int) sql.substring(0, lineStart).chars().filter(c -> c == '\n').count();
            column = 1 + sql.codePointCount(lineStart, at);
            message.append(String.format(Locale.ROOT, " at character %d (line %d, column %d)", rejected.position(),
                    line, column));
        }
        if (rejected.hint() != null) {
            message.append(". Hint: ").append(rejected.hint());
        }
        message.append(". Correct the SQL (PostgreSQL dialect, one read-only query).");
        return new Verdict.Denied(Verdict.Reason.SYNTAX_ERROR, message.toString(), new RefusalDetails.SyntaxError(
                rejected.sqlState(), rejected.position(), line, column, rejected.hint()));
    }

    /**
     * The UTF-16 index in the submitted text of PostgreSQL's 1-based character position (it counts
     * code points); one past the end for "at end of input".
     */
    private int charIndex(int position) {
        String sql = statement.sourceSql();
        int codePoints = sql.codePointCount(0, sql.length());
        return sql.offsetByCodePoints(0, Math.min(position - 1, codePoints));
    }

    private static Verdict.Denied notAQuery(String firstWord) {
        return unsafe(ONLY_QUERIES + ", not " + firstWord.toUpperCase(Locale.ROOT));
    }

    private static Verdict.Denied unsafe(String message) {
        return new Verdict.Denied(Verdict.Reason.UNSAFE_SQL, message, new RefusalDetails.None());
    }
}
