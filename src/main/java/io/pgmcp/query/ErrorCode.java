package io.pgmcp.query;

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
    EXECUTION_TIMEOUT,
    CONNECTION_ERROR,
    OPENAI_ERROR,
    RATE_LIMIT_EXCEEDED,
    CONFIGURATION_ERROR,
    INTERNAL_ERROR
}
