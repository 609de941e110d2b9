package io.pgmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgmcp.db.ResultTable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ResultTable} as the {@code result} object of a tool response: its columns, column
 * types, rows (each value as the JSON the table's value types describe), row count and truncation.
 * The one place the rows become JSON. Stateless.
 */
final class ResultJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ResultJson() {}

    static ObjectNode table(ResultTable table) {
        ObjectNode result = NODES.objectNode();
        table.columns().forEach(result.putArray("columns")::add);
        table.columnTypes().forEach(result.putArray("column_types")::add);
        result.set("rows", rows(table.rows()));
        result.put("row_count", table.rowCount());
        result.put("truncated", table.truncated());
        table.truncationReason().ifPresent(r -> result.put("truncation_reason", r));
        return result;
    }

    static ArrayNode rows(List<List<Object>> rows) {
        ArrayNode array = NODES.arrayNode(rows.size());
        for (List<Object> row : rows) {
            array.add(value(row));
        }
        return array;
    }

    /** One value of a {@link ResultTable} (see there for the types). */
    static JsonNode value(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case Boolean b -> NODES.booleanNode(b);
            case String s -> NODES.textNode(s);
            case Long l -> NODES.numberNode(l);
            case BigInteger i -> NODES.numberNode(i);
            case BigDecimal d -> NODES.numberNode(d);
            case Double d -> NODES.numberNode(d);
            case List<?> list -> {
                ArrayNode array = NODES.arrayNode(list.size());
                list.forEach(element -> array.add(value(element)));
                yield array;
            }
            case Map<?, ?> map -> {
                ObjectNode object = NODES.objectNode();
                map.forEach((name, member) -> object.set((String) name, value(member)));
                yield object;
            }
            default -> throw new IllegalArgumentException("not a result value: " + value.getClass().getName());
        };
    }
}
