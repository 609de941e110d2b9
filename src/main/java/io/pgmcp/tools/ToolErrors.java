package io.pgmcp.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.mcp.ToolResult;
import io.pgmcp.query.FailureDetails;
import io.pgmcp.query.QueryOutcome;
import io.pgmcp.resilience.Admission;
import io.pgmcp.sql.RefusalDetails;
import java.util.List;
import java.util.Map;

/**
 * The product's failure body, {@code {"success":false,"error_code","error_message","details"}}
 * (the codes: {@link io.pgmcp.query.ErrorCode}): the one place a failure's typed details are written as
 * JSON, and the one mapping from an unexpected Throwable to it.
 */
public final class ToolErrors {
    private static final System.Logger logger = System.getLogger(ToolErrors.class.getName());
    /** The {@code error_message} of a Throwable that escaped a tool. */
    static final String UNEXPECTED = "Internal error in pg-mcp; the server log has the details.";

    private ToolErrors() {}

    /** The failure result of a pipeline's failure; details with no fields are omitted. */
    public static ToolResult failure(QueryOutcome.Failure failure) {
        return failure(failure.code().name(), failure.message(), details(failure.details()));
    }

    /** A failure result with the given code and message; {@code details} may be null (then omitted). */
    public static ToolResult failure(String errorCode, String message, ObjectNode details) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("success", false);
        body.put("error_code", errorCode);
        body.put("error_message", message);
        if (details != null && !details.isEmpty()) {
            body.set("details", details);
        }
        return new ToolResult(body, true);
    }

    /** The {@code details} of a rate limit's or token budget's refusal. */
    static ObjectNode details(Admission.Refused refused) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("limit_type", refused.type().wireName());
        details.put("limit", refused.limit());
        details.put("remaining", refused.remaining());
        details.put("retry_after", refused.retryAfterSeconds());
        return details;
    }

    /** The wire form of a failure's facts: keys, their order and number types are part of the product's interface. */
    static ObjectNode details(FailureDetails facts) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        switch (facts) {
            case FailureDetails.None none -> {}
            case FailureDetails.Refused refused -> {
                return refusal(refused.refusal());
            }
            case FailureDetails.Problems problems -> strings(details, "problems", problems.problems());
            case FailureDetails.AvailableDatabases available ->
                strings(details, "available_databases", available.databases());
            case FailureDetails.DatabaseError error -> {
                database(details, error.database(), error.sqlState());
                if (error.position() != null) {
                    details.put("position", error.position());
                }
                if (error.hint() != null) {
                    details.put("hint", error.hint());
                }
            }
            case FailureDetails.PoolBusy busy -> database(details, busy.database(), busy.sqlState());
            case FailureDetails.StatementTimeout timeout -> {
                database(details, timeout.database(), timeout.sqlState());
                details.put("timeout_seconds", timeout.timeoutSeconds());
            }
            case FailureDetails.ResultTooLarge tooLarge -> {
                database(details, tooLarge.database(), tooLarge.sqlState());
                details.put("max_result_bytes", tooLarge.maxResultBytes());
            }
            case FailureDetails.DatabaseDown down -> {
                database(details, down.database(), down.sqlState());
                details.put("down_since", down.since().toString());
                details.put("last_error", down.lastError());
                details.put("next_probe_in_seconds", down.nextProbeInSeconds());
            }
            case FailureDetails.CatalogUnavailable unavailable -> details.put("database", unavailable.database());
            case FailureDetails.ExplainTimeout timeout ->
                details.put("explain_timeout_seconds", timeout.explainTimeoutSeconds());
            case FailureDetails.ModelError error -> {
                details.put("reason", error.reason());
                error.retryAfterSeconds().ifPresent(seconds -> details.put("retry_after", seconds));
            }
            case FailureDetails.NoSql noSql -> details.put("attempts", noSql.attempts());
            case FailureDetails.RateLimited limited -> {
                return details(limited.refusal());
            }
        }
        return details;
    }

    private static ObjectNode refusal(RefusalDetails facts) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        switch (facts) {
            case RefusalDetails.None none -> {}
            case RefusalDetails.UnsafeFunction unsafe -> details.put("function", unsafe.function());
            case RefusalDetails.LexicalError lexical -> details.put("offset", lexical.offset());
            case RefusalDetails.DeniedSchemas denied -> strings(details, "denied_schemas", denied.schemas());
            case RefusalDetails.DeniedTables denied -> {
                strings(details, "denied_tables", denied.tables());
                suggestions(details, denied.suggestions());
                denied.availableTables().ifPresent(tables -> strings(details, "available_tables", tables));
            }
            case RefusalDetails.DeniedColumns denied -> {
                strings(details, "denied_columns", denied.columns());
                details.put("is_select_star", denied.selectStar());
                suggestions(details, denied.suggestions());
            }
            case RefusalDetails.SyntaxError syntax -> {
                details.put("sqlstate", syntax.sqlState());
                if (syntax.position() != null) {
                    details.put("position", syntax.position());
                    details.put("line", syntax.line());
                    details.put("column", syntax.column());
                }
                if (syntax.hint() != null) {
                    details.put("hint", syntax.hint());
                }
            }
            case RefusalDetails.TooManyRows rows -> {
                details.put("estimated_rows", rows.estimatedRows());
                details.put("estimated_cost", rows.estimatedCost());
                details.put("max_estimated_rows", rows.maxEstimatedRows());
            }
            case RefusalDetails.HiddenLargeTableRead read -> {
                details.put("estimated_rows", read.estimatedRows());
                details.put("large_table_threshold", read.largeTableThreshold());
            }
            case RefusalDetails.LargeTableRead read -> {
                details.put("estimated_rows", read.estimatedRows());
                details.put("large_table_threshold", read.largeTableThreshold());
                details.put("estimated_cost", read.estimatedCost());
                details.put("estimated_rows_read", read.estimatedRowsRead());
                details.put("table", read.table());
                details.put("table_estimated_rows", read.tableEstimatedRows());
                strings(details, "indexed_columns", read.indexedColumns());
            }
        }
        return details;
    }

    /** {@code database}, then {@code sqlstate} when there is one. */
    private static void database(ObjectNode details, String database, String sqlState) {
        details.put("database", database);
        if (!sqlState.isEmpty()) {
            details.put("sqlstate", sqlState);
        }
    }

    /** {@code suggestions}: for each name that has some, its nearest visible names; omitted when none has. */
    private static void suggestions(ObjectNode details, Map<String, List<String>> suggestions) {
        if (!suggestions.isEmpty()) {
            ObjectNode byName = details.putObject("suggestions");
            suggestions.forEach((name, nearest) -> strings(byName, name, nearest));
        }
    }

    private static void strings(ObjectNode details, String name, List<String> values) {
        ArrayNode array = details.putArray(name);
        values.forEach(array::add);
    }

    /**
     * Turns a Throwable that escaped a tool into {@code INTERNAL_ERROR}. The exception itself goes
     * to the log only: its message may hold SQL, paths or other things the client must not see.
     */
    public static ToolResult fromThrowable(Throwable error) {
        if (error instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        logger.log(System.Logger.Level.ERROR, "tool call failed unexpectedly", error);
        return failure("INTERNAL_ERROR", UNEXPECTED, null);
    }
}
