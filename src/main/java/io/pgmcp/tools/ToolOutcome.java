package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.ErrorCode;
import io.pgmcp.query.FailureDetails;
import io.pgmcp.query.QueryOutcome;
import io.pgmcp.resilience.Admission;
import io.pgmcp.resilience.LimitType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one call of a {@link PgMcpTool} came to: the body the client receives, and beside it, typed, the
 * facts {@link CallRecorder} records (database, SQL, rows; error code, message, limit), so that nothing
 * reads them back out of the body.
 */
public sealed interface ToolOutcome {

    /** The answer as it goes on the wire. */
    ToolResult result();

    /**
     * The tool answered.
     *
     * @param body     the success body, {@code "success":true} first
     * @param database the configured database the body names, if it names one
     * @param sql      the SQL the body shows, if it shows one
     * @param rows     the rows that came back, if the call ran a statement to the end
     */
    record Answered(ObjectNode body, Optional<String> database, Optional<String> sql, Optional<Rows> rows)
            implements
                ToolOutcome {
        public Answered {
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(sql, "sql");
            Objects.requireNonNull(rows, "rows");
        }

        /** A schema answer: no SQL ran. */
        static Answered schema(ObjectNode body, String database) {
            return new Answered(body, Optional.ofNullable(database), Optional.empty(), Optional.empty());
        }

        @Override
        public ToolResult result() {
            return ToolResult.success(body);
        }
    }

    /** How many rows a statement returned, and whether more existed. */
    record Rows(long count, boolean truncated) {
        public Rows {
            if (count < 0) {
                throw new IllegalArgumentException("row count " + count + " is negative");
            }
        }
    }

    /**
     * The call failed.
     *
     * @param limit   the budget that refused the call, for {@code RATE_LIMIT_EXCEEDED}
     * @param details the body's {@code details}, or null (then omitted)
     */
    record Failed(ErrorCode code, String message, Optional<LimitType> limit,
            ObjectNode details) implements ToolOutcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(limit, "limit");
            if (limit.isPresent() && code != ErrorCode.RATE_LIMIT_EXCEEDED) {
                throw new IllegalArgumentException(
                        code + " with limit " + limit.get() + ": a limit goes with RATE_LIMIT_EXCEEDED only");
            }
        }

        @Override
        public ToolResult result() {
            return ToolErrors.failure(code.name(), message, details);
        }
    }

    /** A failure with no limit and the given details (null for none). */
    static Failed failed(ErrorCode code, String message, ObjectNode details) {
        return new Failed(code, message, Optional.empty(), details);
    }

    /** {@code VALIDATION_ERROR}, one problem per argument. */
    static Failed invalid(List<String> problems) {
        ObjectNode details = ToolErrors.details(new FailureDetails.Problems(problems));
        return failed(ErrorCode.VALIDATION_ERROR, "Invalid arguments: " + String.join("; ", problems), details);
    }

    /** A request budget refused the call. */
    static Failed refused(Admission.Refused refused) {
        return new Failed(ErrorCode.RATE_LIMIT_EXCEEDED, refused.message(), Optional.of(refused.type()),
                ToolErrors.details(refused));
    }

    /** The pipeline's outcome; {@code includeSql}: the body shows the SQL that ran. */
    static ToolOutcome of(QueryOutcome outcome, boolean includeSql) {
        return switch (outcome) {
            case QueryOutcome.Failure failure -> new Failed(failure.code(), failure.message(), limitType(failure),
                    ToolErrors.details(failure.details()));
            case QueryOutcome.Success success -> new Answered(Outcomes.result(success, includeSql).structuredContent(),
                    Optional.of(success.database()), includeSql ? Optional.of(success.sql()) : Optional.empty(),
                    success.result().map(table -> new Rows(table.rowCount(), table.truncated())));
        };
    }

    /** The budget that refused a pipeline's {@code RATE_LIMIT_EXCEEDED} (the LLM token budgets). */
    private static Optional<LimitType> limitType(QueryOutcome.Failure failure) {
        return failure.details() instanceof FailureDetails.RateLimited limited
                ? Optional.of(limited.refusal().type())
                : Optional.empty();
    }
}
