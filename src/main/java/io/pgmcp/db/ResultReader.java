package io.pgmcp.db;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Reads a result set into a {@link ResultTable}, stopping at {@code maxRows} (it is given one more row
 * to learn that more existed) or when the rows' JSON ({@link JsonSize}) would pass {@code maxBytes}.
 * Never buffers more than the bound: the statement's max rows and fetch size limit what the driver holds.
 */
final class ResultReader {
    private final ValueConverter values = new ValueConverter();

    ResultTable read(ResultSet rs, int maxRows, long maxBytes) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int count = meta.getColumnCount();
        List<String> columns = new ArrayList<>(count);
        List<String> types = new ArrayList<>(count);
        boolean[] arrays = new boolean[count];
        for (int i = 1; i <= count; i++) {
            columns.add(meta.getColumnLabel(i));
            types.add(ValueConverter.typeName(meta, i));
            arrays[i - 1] = meta.getColumnType(i) == Types.ARRAY;
        }
        List<List<Object>> rows = new ArrayList<>();
        long bytes = 2;
        String reason = null;
        while (rs.next()) {
            if (rows.size() == maxRows) {
                reason = "limit";
                break;
            }
            List<Object> row = new ArrayList<>(count);
            for (int i = 1; i <= count; i++) {
                row.add(values.read(rs, i, types.get(i - 1), arrays[i - 1]));
            }
            long size = size(row) + 1; // its comma (counted for the first row too, as always)
            if (bytes + size > maxBytes) {
                reason = "max_result_bytes";
                break;
            }
            bytes += size;
            rows.add(Collections.unmodifiableList(row));
        }
        return new ResultTable(columns, types, rows, reason != null, Optional.ofNullable(reason), bytes);
    }

    private static long size(List<Object> row) throws SQLException {
        try {
            return JsonSize.of(row);
        } catch (IllegalArgumentException e) {
            throw new SQLException("a row could not be written as JSON", "XX000", e);
        }
    }
}
