package io.pgmcp.sql;

import java.util.List;

/** The guard's answer for one SQL text: run this (possibly rewritten) SQL, or refuse with a reason. */
public sealed interface Verdict {

    /**
     * @param sql       the exact text to execute (normalised by the lexer, possibly rewritten by the policy)
     * @param rewritten true when the policy changed the query (e.g. {@code expand_safe}); the response shows it
     * @param warnings  notes for the response
     */
    record Allowed(String sql, boolean rewritten, List<String> warnings) implements Verdict {
        public Allowed {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param reason  which rule refused it
     * @param message written for a model to correct itself: names the denied items
     * @param details structured facts (denied tables/columns, the function, the offset)
     */
    record Denied(Reason reason, String message, RefusalDetails details) implements Verdict {
        public Denied {
            java.util.Objects.requireNonNull(reason, "reason");
            java.util.Objects.requireNonNull(message, "message");
            java.util.Objects.requireNonNull(details, "details");
        }
    }

    /**
     * Why SQL was refused; maps one to one onto the {@code error_code}s of the same names.
     * {@code SYNTAX_ERROR}: PostgreSQL's own grammar rejects the text.
     */
    enum Reason {
        UNSAFE_SQL, SYNTAX_ERROR, SCHEMA_ACCESS_DENIED, TABLE_ACCESS_DENIED, COLUMN_ACCESS_DENIED
    }
}
