package io.pgmcp.query;

import io.pgmcp.db.ResultTable;
import java.util.List;
import java.util.Optional;

/** What a tool call through the pipeline came to: rows (and/or SQL), or a failure a model can act on. */
public sealed interface QueryOutcome {

    /**
     * @param database    the database that answered
     * @param sql         the SQL that ran (after any rewrite by the guard)
     * @param explanation the LLM's explanation, for {@code query}
     * @param result      the rows, absent for {@code return_type: sql}
     * @param warnings    cost warnings and the like
     * @param rewritten   the guard rewrote the SQL (e.g. {@code expand_safe}), so the response shows it
     */
    record Success(String database, String sql, Optional<String> explanation, Optional<ResultTable> result,
            List<String> warnings, boolean rewritten) implements QueryOutcome {
        public Success {
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param details extra facts for the model (denied items, estimates, sqlstate...); may be {@link FailureDetails.None}
     */
    record Failure(ErrorCode code, String message, FailureDetails details) implements QueryOutcome {
        public Failure {
            java.util.Objects.requireNonNull(code, "code");
            java.util.Objects.requireNonNull(details, "details");
        }
    }
}
