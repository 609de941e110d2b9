package io.pgmcp.sql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The facts behind a refusal of the guard ({@link Verdict.Denied}) or of the EXPLAIN policy
 * ({@link ExplainPolicy.Decision.Refuse}), one record per kind, for a model to act on. Values only:
 * the tools write them as the response's {@code details}. Lists and maps keep their order.
 */
public sealed interface RefusalDetails {

    /** Nothing beyond the message. */
    record None() implements RefusalDetails {}

    /** A call of a function that is not allowed (the first one, when there are several). */
    record UnsafeFunction(String function) implements RefusalDetails {
        public UnsafeFunction {
            Objects.requireNonNull(function, "function");
        }
    }

    /** The lexer stopped at {@code offset} (a UTF-16 index into the submitted text). */
    record LexicalError(int offset) implements RefusalDetails {}

    /** Schemas that may not be read, as written. */
    record DeniedSchemas(List<String> schemas) implements RefusalDetails {
        public DeniedSchemas {
            schemas = List.copyOf(schemas);
        }
    }

    /**
     * Tables that do not exist or may not be read, as written.
     *
     * @param suggestions     for each table that has some, the nearest visible tables
     * @param availableTables the visible tables (at most {@link Findings#MAX_LISTED_TABLES}), present when some
     *                        denied table has no suggestion
     */
    record DeniedTables(List<String> tables, Map<String, List<String>> suggestions,
            Optional<List<String>> availableTables)
            implements
                RefusalDetails {
        public DeniedTables {
            tables = List.copyOf(tables);
            suggestions = ordered(suggestions);
            availableTables = availableTables.map(List::copyOf);
        }
    }

    /**
     * Columns that do not exist or may not be read, as written ({@code table.*} for a whole-row use).
     *
     * @param selectStar  the query used {@code SELECT *} over a table with such columns
     * @param suggestions for each column that has some, the nearest visible columns
     */
    record DeniedColumns(List<String> columns, boolean selectStar, Map<String, List<String>> suggestions)
            implements
                RefusalDetails {
        public DeniedColumns {
            columns = List.copyOf(columns);
            suggestions = ordered(suggestions);
        }
    }

    /**
     * PostgreSQL's grammar rejected the text.
     *
     * @param position PostgreSQL's 1-based character position, or null when it gave none
     * @param line     the 1-based line of {@code position} in the submitted text (null with it)
     * @param column   the 1-based column of {@code position} (null with it)
     * @param hint     PostgreSQL's hint, or null
     */
    record SyntaxError(String sqlState, Integer position, Integer line, Integer column,
            String hint) implements RefusalDetails {
        public SyntaxError {
            Objects.requireNonNull(sqlState, "sqlState");
            if ((position == null) != (line == null) || (position == null) != (column == null)) {
                throw new IllegalArgumentException("position, line and column come together");
            }
        }
    }

    /** The planner estimates more result rows than {@code explain_policy.max_estimated_rows}. */
    record TooManyRows(double estimatedRows, double estimatedCost, long maxEstimatedRows) implements RefusalDetails {}

    /**
     * The plan reads too many rows of a large table the caller may not see (behind a view): neither its
     * name nor its size is told.
     */
    record HiddenLargeTableRead(double estimatedRows, long largeTableThreshold) implements RefusalDetails {}

    /**
     * The plan reads too many rows of a large table the caller may see.
     *
     * @param estimatedRows      the plan's estimated result rows
     * @param estimatedRowsRead  the rows the plan reads from {@code table}, rounded
     * @param tableEstimatedRows the size of {@code table}, rounded
     * @param indexedColumns     the indexed columns of {@code table} the caller may read
     */
    record LargeTableRead(double estimatedRows, long largeTableThreshold, double estimatedCost, long estimatedRowsRead,
            String table, long tableEstimatedRows, List<String> indexedColumns) implements RefusalDetails {
        public LargeTableRead {
            Objects.requireNonNull(table, "table");
            indexedColumns = List.copyOf(indexedColumns);
        }
    }

    private static Map<String, List<String>> ordered(Map<String, List<String>> suggestions) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        suggestions.forEach((name, nearest) -> copy.put(name, List.copyOf(nearest)));
        return java.util.Collections.unmodifiableMap(copy);
    }
}
