package io.pgmcp.query;

import io.pgmcp.sql.Verdict;

/** The {@code error_code} of a failed tool call (docs/errors.md: when, and with which details). */
public enum ErrorCode {
    VALIDATION_ERROR,
    UNKNOWN_DATABASE,
    AMBIGUOUS_QUERY,
    UNSAFE_SQL,
    SCHEMA_ACCESS_DENIED,
    TABLE_ACCESS_DENIED,
    COLUMN_ACCESS_DENIED,
    QUERY_TOO_EXPENSIVE,
    SEQ_SCAN_DENIED,
    SYNTAX_ERROR,
    /** PostgreSQL could not compute a value (SQLSTATE class 22): division by zero, invalid input, out of range. */
    DATA_ERROR,
    /** PostgreSQL ran out of resources or hit a limit (SQLSTATE classes 53 and 54). */
    RESOURCE_ERROR,
    /** Not even the first row of the result fits in {@code server.max_result_bytes}. */
    RESULT_TOO_LARGE,
    EXECUTION_TIMEOUT,
    CONNECTION_ERROR,
    OPENAI_ERROR,
    RATE_LIMIT_EXCEEDED,
    CONFIGURATION_ERROR,
    INTERNAL_ERROR;

    /** The code of a guard's refusal. */
    public static ErrorCode of(Verdict.Reason reason) {
        return switch (reason) {
            case UNSAFE_SQL -> UNSAFE_SQL;
            case SYNTAX_ERROR -> SYNTAX_ERROR;
            case SCHEMA_ACCESS_DENIED -> SCHEMA_ACCESS_DENIED;
            case TABLE_ACCESS_DENIED -> TABLE_ACCESS_DENIED;
            case COLUMN_ACCESS_DENIED -> COLUMN_ACCESS_DENIED;
        };
    }
}
