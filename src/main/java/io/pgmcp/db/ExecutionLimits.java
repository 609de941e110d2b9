package io.pgmcp.db;

import java.time.Duration;
import java.util.List;

/**
 * The bounds of one statement execution.
 *
 * @param maxRows          rows returned at most; one more is fetched to learn whether there were more
 * @param maxBytes         the JSON size of the rows at most; rows past it are dropped
 * @param statementTimeout {@code SET LOCAL statement_timeout}
 * @param searchPath       the pinned {@code search_path} (schema names, unquoted)
 */
public record ExecutionLimits(int maxRows, long maxBytes, Duration statementTimeout, List<String> searchPath) {
    public ExecutionLimits {
        if (maxRows < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxRows and maxBytes must be positive");
        }
        if (statementTimeout == null || statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("statementTimeout must be positive");
        }
        searchPath = List.copyOf(searchPath);
    }
}
