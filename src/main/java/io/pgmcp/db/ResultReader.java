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
 * Memory stays bounded: the driver holds one fetch at a time, bounded in bytes ({@link ResultBuffer}),
 * each value is measured against the room left before it is built
 * ({@link ValueConverter#readWithin}), and a row stops at the first value that does not fit.
 */
final class ResultReader {
    private final ValueConverter values = new ValueConverter();

    /**
     * What was read.
     *
     * @param table the rows kept
     * @param cut   the driver refused a fetch past its buffer and stopped in the middle of a message: the
     *              connection is out of step with the server and must be closed; the rows kept (if any)
     *              are complete, and the result was truncated for {@code max_result_bytes}
     */
    record Read(ResultTable table, boolean cut) {}

    Read read(ResultSet rs, int maxRows, long maxBytes) throws SQLException {
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
        long largestRow = 0;
        int fetch = rs.getFetchSize();
        String reason = null;
        boolean cut = false;
        reading : while (true) {
            try {
                if (!rs.next()) {
                    break;
                }
            } catch (SQLException e) {
                if (!ResultBuffer.exceeded(e)) {
                    throw e;
                }
                cut = true;
                reason = "max_result_bytes";
                break;
            }
            if (rows.size() == maxRows) {
                reason = "limit";
                break;
            }
            List<Object> row = new ArrayList<>(count);
            long size = 2 + Math.max(0, count - 1) + 1; // brackets, separators, and its comma (the first row's too)
            for (int i = 1; i <= count; i++) {
                Object value = values.readWithin(rs, i, types.get(i - 1), arrays[i - 1], maxBytes - bytes - size);
                if (value == ValueConverter.TOO_LARGE) {
                    reason = "max_result_bytes";
                    break reading;
                }
                size += size(value);
                if (bytes + size > maxBytes) {
                    reason = "max_result_bytes";
                    break reading;
                }
                row.add(value);
            }
            bytes += size;
            rows.add(Collections.unmodifiableList(row));
            if (size > largestRow) {
                largestRow = size;
                // the first fetch was sized for rows as large as could be returned; later ones for the rows seen
                int next = ResultBuffer.nextFetch(maxBytes, largestRow);
                if (next != fetch) {
                    rs.setFetchSize(next);
                    fetch = next;
                }
            }
        }
        return new Read(new ResultTable(columns, types, rows, reason != null, Optional.ofNullable(reason), bytes),
                cut);
    }

    private static long size(Object value) throws SQLException {
        try {
            return JsonSize.of(value);
        } catch (IllegalArgumentException e) {
            throw new SQLException("a row could not be written as JSON", "XX000", e);
        }
    }
}
