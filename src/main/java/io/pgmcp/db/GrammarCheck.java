package io.pgmcp.db;

/**
 * What PostgreSQL's own grammar says of one statement, asked by {@link Database#checkGrammar} in a
 * way that cannot run it (see {@link ParseOnly}).
 */
public sealed interface GrammarCheck {

    /** PostgreSQL's grammar accepts the statement. Names in it were not looked up. */
    record Accepted() implements GrammarCheck {}

    /**
     * PostgreSQL's grammar rejects the statement. Only the text decided this: no name was looked up,
     * so the answer says nothing about what exists in the database.
     *
     * @param sqlState PostgreSQL's SQLSTATE (almost always 42601, syntax_error)
     * @param message  PostgreSQL's own words, e.g. {@code syntax error at or near "SELEC"}
     * @param position the 1-based character position in the statement PostgreSQL reported (code
     *                 points in a UTF8 database), or null when it gave none
     * @param hint     PostgreSQL's hint, or null
     */
    record Rejected(String sqlState, String message, Integer position, String hint) implements GrammarCheck {
        public Rejected {
            if (position != null && position < 1) {
                throw new IllegalArgumentException("position must be 1 or more, got " + position);
            }
        }
    }

    /**
     * PostgreSQL could not be asked (no database, down, busy, timed out, or some other failure).
     *
     * @param reason why, for logs; never for the model
     */
    record Unanswered(String reason) implements GrammarCheck {}
}
