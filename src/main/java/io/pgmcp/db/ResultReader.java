package io.pgmcp.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a result set into a {@link ResultTable}, stopping at {@code maxRows} (it is given one more row
 * to learn that more existed) or when the rows' JSON would pass {@code maxBytes}. Never buffers more
 * than the bound: the statement's max rows and fetch size limit what the driver holds.
 */
final class ResultReader {
    private final ValueConverter values;
    private final ObjectMapper json;

    ResultReader(ObjectMapper json) {
        this.json = json;
        this.values = new ValueConverter(json);
    }

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
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        long bytes = 2;
        String reason = null;
        while (rs.next()) {
            if (rows.size() == maxRows) {
                reason = "limit";
                break;
            }
            ArrayNode row = rows.arrayNode(count);
            for (int i = 1; i <= count; i++) {
                JsonNode value = values.read(rs, i, types.get(i - 1), arrays[i - 1]);
                row.add(value);
            }
            long size = size(row) + 1;
            if (bytes + size > maxBytes) {
                reason = "max_result_bytes";
                break;
            }
            bytes += size;
            rows.add(row);
        }
        return new ResultTable(columns, types, rows, reason != null, Optional.ofNullable(reason), bytes);
    }

    private long size(JsonNode row) throws SQLException {
        try {
            return json.writeValueAsBytes(row).length;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("a row could not be written as JSON", "XX000", e);
        }
    }
}
