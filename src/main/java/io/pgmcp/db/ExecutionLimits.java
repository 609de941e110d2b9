package io.pgmcp.db;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The bounds of one statement execution.
 *
 * @param maxRows          rows returned at most; one more is fetched to learn whether there were more
 * @param maxBytes         the JSON size of the rows at most; rows past it are dropped
 * @param statementTimeout {@code SET LOCAL statement_timeout}
 * @param searchPath       the pinned {@code search_path} (schema names, unquoted)
 * @param role             the role the statement runs as ({@code SET LOCAL ROLE}, its exact name), if not the
 *                         login role
 */
public record ExecutionLimits(int maxRows, long maxBytes, Duration statementTimeout, List<String> searchPath,
        Optional<String> role) {
    public ExecutionLimits {
        if (maxRows < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxRows and maxBytes must be positive");
        }
        if (statementTimeout == null || statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("statementTimeout must be positive");
        }
        searchPath = List.copyOf(searchPath);
        Objects.requireNonNull(role, "role");
    }

    /** As the login role. */
    public ExecutionLimits(int maxRows, long maxBytes, Duration statementTimeout, List<String> searchPath) {
        this(maxRows, maxBytes, statementTimeout, searchPath, Optional.empty());
    }
}
