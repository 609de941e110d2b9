package io.pgmcp.sql;

import io.pgmcp.db.GrammarCheck;

/**
 * PostgreSQL's own grammar, which the guard asks about a statement its parser could not read, to
 * tell a syntax error (in PostgreSQL's words) from a construct pg-mcp cannot analyse yet. The
 * implementation is {@link io.pgmcp.db.Database#checkGrammar}, which cannot run the statement; a
 * guard without a database uses {@link #UNAVAILABLE}.
 */
@FunctionalInterface
public interface PostgresGrammar {
    /** Never answers: the guard then refuses with a message of its own. */
    PostgresGrammar UNAVAILABLE = statement -> new GrammarCheck.Unanswered("no database to ask");

    /**
     * PostgreSQL's verdict on {@code statement}, which the lexer accepted as exactly one statement.
     * Never throws; an answer that cannot be had is {@link GrammarCheck.Unanswered}.
     */
    GrammarCheck check(String statement);
}
