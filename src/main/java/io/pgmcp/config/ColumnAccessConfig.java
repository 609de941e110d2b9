package io.pgmcp.config;

import java.util.List;
import java.util.Objects;

/**
 * Denied columns: exact references ({@code table.column} or {@code schema.table.column}, kept as
 * written) and glob patterns over {@code table.column} ({@code *} any run of characters, {@code ?} one
 * character), plus what to do when a query touches one.
 */
public record ColumnAccessConfig(List<String> denied, List<String> deniedPatterns, OnDenied onDenied,
        SelectStarPolicy selectStarPolicy) {

    public ColumnAccessConfig {
        denied = List.copyOf(denied);
        deniedPatterns = List.copyOf(deniedPatterns);
        Objects.requireNonNull(onDenied, "onDenied");
        Objects.requireNonNull(selectStarPolicy, "selectStarPolicy");
        for (String column : denied) {
            if (!isValidColumnRef(column)) {
                throw new IllegalArgumentException(
                        "denied column '" + column + "' must be table.column or schema.table.column");
            }
        }
        for (String pattern : deniedPatterns) {
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("a denied column pattern must not be blank");
            }
        }
    }

    public static ColumnAccessConfig defaults() {
        return new ColumnAccessConfig(List.of(), List.of(), OnDenied.REJECT, SelectStarPolicy.REJECT);
    }

    /** {@code table.column} or {@code schema.table.column}, every part non-blank. */
    public static boolean isValidColumnRef(String ref) {
        String[] parts = ref.split("\\.", -1);
        if (parts.length < 2 || parts.length > 3) {
            return false;
        }
        for (String part : parts) {
            if (part.isBlank() || !part.strip().equals(part)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any column is denied, explicitly or by pattern. */
    public boolean restricts() {
        return !denied.isEmpty() || !deniedPatterns.isEmpty();
    }
}
