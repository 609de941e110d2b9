package io.pgmcp.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.Locale;
import org.postgresql.util.PGobject;

/**
 * Turns a PostgreSQL value into JSON by the rules of SPEC §4.2: integers and numerics as JSON numbers
 * without loss, NaN and infinities as strings, booleans, ISO-8601 date/time strings, json/jsonb
 * embedded, arrays as arrays, bytea as {@code \x} hex, everything else as PostgreSQL's text form,
 * NULL as null. Stateless and thread-safe.
 */
final class ValueConverter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObjectReader json;

    ValueConverter(ObjectMapper json) {
        // json and jsonb numbers are PostgreSQL numerics: read them exactly, never through double
        // (which rounds 0.12345678901234567890123 and turns 1e400 into "Infinity"), and keep their scale
        this.json = json.reader()
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /** Converts column {@code index} (1-based) of the current row, whose PostgreSQL type is {@code type}. */
    JsonNode read(ResultSet rs, int index, String type) throws SQLException {
        String kind = type.toLowerCase(Locale.ROOT);
        if (kind.startsWith("_")) {
            Array array = rs.getArray(index);
            return array == null ? NODES.nullNode() : arrayNode(array.getArray(), kind.substring(1));
        }
        switch (kind) {
            case "int2", "int4", "int8", "oid", "xid", "cid" -> {
                long value = rs.getLong(index);
                return rs.wasNull() ? NODES.nullNode() : NODES.numberNode(value);
            }
            case "numeric" -> {
                return numeric(rs.getString(index));
            }
            case "float4", "float8" -> {
                return floating(rs.getString(index));
            }
            case "bool" -> {
                boolean value = rs.getBoolean(index);
                return rs.wasNull() ? NODES.nullNode() : NODES.booleanNode(value);
            }
            case "json", "jsonb" -> {
                return embedded(rs.getString(index));
            }
            case "bytea" -> {
                byte[] bytes = rs.getBytes(index);
                return bytes == null ? NODES.nullNode() : NODES.textNode("\\x" + HexFormat.of().formatHex(bytes));
            }
            case "date" -> {
                return temporal(rs, index, LocalDate.class, DateTimeFormatter.ISO_LOCAL_DATE);
            }
            case "timestamp" -> {
                return temporal(rs, index, LocalDateTime.class, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            }
            case "timestamptz" -> {
                return temporal(rs, index, OffsetDateTime.class, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            }
            case "time" -> {
                return temporal(rs, index, LocalTime.class, DateTimeFormatter.ISO_LOCAL_TIME);
            }
            case "timetz" -> {
                return temporal(rs, index, OffsetTime.class, DateTimeFormatter.ISO_OFFSET_TIME);
            }
            default -> {
                String text = rs.getString(index);
                return text == null ? NODES.nullNode() : NODES.textNode(text);
            }
        }
    }

    /**
     * Formats with the ISO formatters rather than {@code toString()}, which drops zero seconds
     * ({@code 13:45} for {@code 13:45:00}).
     */
    private static <T extends TemporalAccessor> JsonNode temporal(ResultSet rs, int index, Class<T> type,
                                                                   DateTimeFormatter format) throws SQLException {
        String text = rs.getString(index);
        if (text == null) {
            return NODES.nullNode();
        }
        if (text.endsWith("infinity")) {
            return NODES.textNode(text);
        }
        if (text.endsWith(" BC")) {
            return NODES.textNode(text); // ISO-8601 cannot say "BC" without a proleptic year shift; keep PostgreSQL's text
        }
        if (text.startsWith("24:00:00")) {
            return NODES.textNode(text); // valid in both; java.time would turn it into 23:59:59.999999999
        }
        return NODES.textNode(format.format(rs.getObject(index, type)));
    }

    private static JsonNode numeric(String text) {
        if (text == null) {
            return NODES.nullNode();
        }
        if (text.equals("NaN") || text.endsWith("Infinity")) {
            return NODES.textNode(text);
        }
        return NODES.numberNode(new BigDecimal(text));
    }

    private static JsonNode floating(String text) {
        if (text == null) {
            return NODES.nullNode();
        }
        if (text.equals("NaN") || text.endsWith("Infinity")) {
            return NODES.textNode(text);
        }
        return NODES.numberNode(Double.parseDouble(text));
    }

    private JsonNode embedded(String text) throws SQLException {
        if (text == null) {
            return NODES.nullNode();
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("json value from PostgreSQL could not be parsed: " + e.getOriginalMessage(), "XX000", e);
        }
    }

    private JsonNode arrayNode(Object array, String elementType) throws SQLException {
        ArrayNode node = NODES.arrayNode();
        int length = java.lang.reflect.Array.getLength(array);
        for (int i = 0; i < length; i++) {
            node.add(element(java.lang.reflect.Array.get(array, i), elementType));
        }
        return node;
    }

    private JsonNode element(Object value, String elementType) throws SQLException {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value.getClass().isArray() && !(value instanceof byte[])) {
            return arrayNode(value, elementType);
        }
        return switch (value) {
            case Float f -> floating(f.toString());
            case Double d -> floating(d.toString());
            case BigDecimal b -> NODES.numberNode(b);
            case Number n -> NODES.numberNode(n.longValue());
            case Boolean b -> NODES.booleanNode(b);
            case byte[] bytes -> NODES.textNode("\\x" + HexFormat.of().formatHex(bytes));
            case Timestamp t -> NODES.textNode(elementType.equals("timestamptz")
                    ? t.toInstant().toString() : t.toLocalDateTime().toString());
            case java.sql.Date d -> NODES.textNode(d.toLocalDate().toString());
            case java.sql.Time t -> NODES.textNode(t.toLocalTime().toString());
            case PGobject o -> elementType.equals("json") || elementType.equals("jsonb")
                    ? embedded(o.getValue()) : textOrNull(o.getValue());
            case String s -> elementType.equals("json") || elementType.equals("jsonb")
                    ? embedded(s) : elementType.equals("numeric") ? numeric(s) : NODES.textNode(s);
            default -> NODES.textNode(value.toString());
        };
    }

    private static JsonNode textOrNull(String text) {
        return text == null ? NODES.nullNode() : NODES.textNode(text);
    }
}
