package io.pgmcp.db;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Optional;

/**
 * The rows a query returned, already converted to JSON values.
 *
 * @param columns          column labels in order
 * @param columnTypes      PostgreSQL type names ({@code int4}, {@code text}, {@code _int4} for int4[])
 * @param rows             one JSON array per row
 * @param truncated        more rows existed than were returned
 * @param truncationReason {@code "limit"} (more rows than asked for) or {@code "max_result_bytes"}
 * @param bytes            the approximate JSON size of the rows
 */
public record ResultTable(List<String> columns, List<String> columnTypes, ArrayNode rows, boolean truncated,
                          Optional<String> truncationReason, long bytes) {
    public ResultTable {
        columns = List.copyOf(columns);
        columnTypes = List.copyOf(columnTypes);
        if (truncated != truncationReason.isPresent()) {
            throw new IllegalArgumentException("a truncated result needs a reason, and only a truncated one");
        }
    }

    public int rowCount() {
        return rows.size();
    }
}
