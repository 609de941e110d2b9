package io.pgmcp.db;

import java.util.List;
import java.util.Optional;

/**
 * The rows a query returned, as typed values ready to be written as JSON at the edge.
 *
 * <p>A value is null (SQL NULL, or JSON null inside a json value), a {@code Boolean}, a {@code Long} or
 * {@code BigInteger}, a {@code BigDecimal} (numeric, or a json number with a fraction or exponent,
 * exactly as written), a {@code Double} (float4, float8), a {@code String} (text, date/time, bytea,
 * NaN and infinities...), a {@code List} of values (an array, or a json array), or a {@code Map} of
 * names to values in their order (a json object).
 *
 * @param columns          column labels in order
 * @param columnTypes      PostgreSQL type names ({@code int4}, {@code text}, {@code _int4} for int4[])
 * @param rows             one list of values per row (unmodifiable; a value may be null)
 * @param truncated        more rows existed than were returned
 * @param truncationReason {@code "limit"} (more rows than asked for) or {@code "max_result_bytes"}
 * @param bytes            the size of the rows written as a compact JSON array of arrays, plus one per row
 */
public record ResultTable(List<String> columns, List<String> columnTypes, List<List<Object>> rows, boolean truncated,
        Optional<String> truncationReason, long bytes) {
    public ResultTable {
        columns = List.copyOf(columns);
        columnTypes = List.copyOf(columnTypes);
        rows = java.util.Collections.unmodifiableList(rows);
        if (truncated != truncationReason.isPresent()) {
            throw new IllegalArgumentException("a truncated result needs a reason, and only a truncated one");
        }
    }

    public int rowCount() {
        return rows.size();
    }
}
