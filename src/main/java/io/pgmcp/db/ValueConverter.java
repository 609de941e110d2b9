package io.pgmcp.db;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Turns a PostgreSQL value into the typed value of a {@link ResultTable}: integers as {@code Long} and
 * numerics as {@code BigDecimal} without loss, floats as {@code Double}, NaN and infinities as strings,
 * booleans, ISO-8601 date/time strings, json/jsonb as the values they hold ({@link EmbeddedJson}),
 * arrays as lists, bytea as {@code \x} hex, everything else as PostgreSQL's text form, NULL as null.
 * Stateless and thread-safe.
 */
final class ValueConverter {
    /**
     * What {@link #readWithin} answers for a value that cannot fit in the room it was given; never a
     * value of a {@link ResultTable}.
     */
    static final Object TOO_LARGE = new Object() {
        @Override
        public String toString() {
            return "TOO_LARGE";
        }
    };

    ValueConverter() {}

    /**
     * As {@link #read}, but answers {@link #TOO_LARGE}, without building the value, when its size on the
     * wire shows that its JSON cannot fit in {@code room} bytes: the text PostgreSQL sent is in the
     * driver's row already, and building a value from it costs up to many times its size (a string in
     * UTF-16, an array's elements as objects, a json value's tree). The JSON of a value is at least its
     * text's size for every type (quotes and escapes only add; a float can lose a character or two to
     * Java's exponent form), except an array's (a {@code [1:2]=} bounds prefix is dropped, a
     * timestamptz element loses its "+00" to "Z") and json's and jsonb's (whitespace is dropped; jsonb
     * writes ", " and ": ", at most half its compact size more): those are built while their text is at
     * most a quarter, or twice (json, jsonb), more than the room, plus a kilobyte. For a json value that
     * is mostly whitespace, this may call a value too large that would have fit. A bytea value is
     * measured once decoded, before it is written as hex.
     */
    Object readWithin(ResultSet rs, int index, String type, boolean array, long room) throws SQLException {
        if (!array && type.equalsIgnoreCase("bytea")) {
            byte[] bytes = rs.getBytes(index);
            if (bytes == null) {
                return null;
            }
            if (2L * bytes.length + 5 > room) { // "\\x" and two hex digits a byte
                return TOO_LARGE;
            }
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        // the text PostgreSQL sent (results come in text format), not a copy
        byte[] text = rs.getBytes(index);
        if (text != null && text.length > largestText(type, array, room)) {
            return TOO_LARGE;
        }
        return read(rs, index, type, array);
    }

    private static long largestText(String type, boolean array, long room) {
        long slack = 1024;
        if (type.toLowerCase(Locale.ROOT).contains("json")) {
            return 2 * room + slack;
        }
        return array ? room + room / 4 + slack : room + slack;
    }

    /**
     * Converts column {@code index} (1-based) of the current row, whose PostgreSQL type is {@code type};
     * {@code array} tells an array column ({@link java.sql.Types#ARRAY}), whose type name may be
     * schema-qualified ({@code "other"."_status"}) and so cannot be recognised by its {@code _} prefix.
     */
    Object read(ResultSet rs, int index, String type, boolean array) throws SQLException {
        if (array) {
            return array(rs.getArray(index));
        }
        String kind = type.toLowerCase(Locale.ROOT);
        switch (kind) {
            case "int2", "int4", "int8", "oid", "xid", "cid" -> {
                long value = rs.getLong(index);
                return rs.wasNull() ? null : (Object) value;
            }
            case "numeric" -> {
                return numeric(rs.getString(index));
            }
            case "float4", "float8" -> {
                return floating(rs.getString(index));
            }
            case "bool" -> {
                boolean value = rs.getBoolean(index);
                return rs.wasNull() ? null : (Object) value;
            }
            case "json", "jsonb" -> {
                return embedded(rs.getString(index));
            }
            case "bytea" -> {
                byte[] bytes = rs.getBytes(index);
                return bytes == null ? null : "\\x" + HexFormat.of().formatHex(bytes);
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
                return text;
            }
        }
    }

    /**
     * The name of the type of column {@code index}'s values. pgjdbc's {@code getColumnTypeName} names an
     * integer column with a sequence default (serial, identity) after that default: "serial",
     * "bigserial", "smallserial". The value is an int4, int8 or int2 all the same, and
     * {@link java.sql.Types} tells which: pgjdbc maps SMALLINT from int2 only, INTEGER from int4 only,
     * and BIGINT from int8 and oid.
     */
    static String typeName(ResultSetMetaData meta, int index) throws SQLException {
        String reported = meta.getColumnTypeName(index);
        return switch (meta.getColumnType(index)) {
            case Types.SMALLINT -> "int2";
            case Types.INTEGER -> "int4";
            case Types.BIGINT -> reported.equals("oid") ? "oid" : "int8";
            default -> reported;
        };
    }

    /**
     * Formats with the ISO formatters rather than {@code toString()}, which drops zero seconds
     * ({@code 13:45} for {@code 13:45:00}).
     */
    private static <T extends TemporalAccessor> Object temporal(ResultSet rs, int index, Class<T> type,
            DateTimeFormatter format) throws SQLException {
        String text = rs.getString(index);
        if (text == null) {
            return null;
        }
        if (text.endsWith("infinity")) {
            return text;
        }
        if (text.endsWith(" BC")) {
            return text; // ISO-8601 cannot say "BC" without a proleptic year shift; keep PostgreSQL's text
        }
        if (text.startsWith("24:00:00")) {
            return text; // valid in both; java.time would turn it into 23:59:59.999999999
        }
        return format.format(rs.getObject(index, type));
    }

    private static Object numeric(String text) {
        if (text == null) {
            return null;
        }
        if (text.equals("NaN") || text.endsWith("Infinity")) {
            return text;
        }
        return new BigDecimal(text);
    }

    private static Object floating(String text) {
        if (text == null) {
            return null;
        }
        if (text.equals("NaN") || text.endsWith("Infinity")) {
            return text;
        }
        return Double.parseDouble(text);
    }

    private static Object embedded(String text) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return EmbeddedJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SQLException("json value from PostgreSQL could not be parsed: " + e.getMessage(), "XX000", e);
        }
    }

    /**
     * Converts every element by the scalar rules above, reading the elements as a result set (one
     * row per element, column 2 the value, itself an array for each dimension past the first), so
     * that {@code NaN} in a {@code numeric[]} or an {@code interval[]} get the same treatment as
     * a single value instead of pgjdbc's Java objects ({@code BigDecimal} cannot hold NaN).
     */
    private Object array(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        try (ResultSet elements = array.getResultSet()) {
            ResultSetMetaData meta = elements.getMetaData();
            String elementType = typeName(meta, 2);
            boolean nested = meta.getColumnType(2) == Types.ARRAY;
            List<Object> values = new ArrayList<>();
            while (elements.next()) {
                values.add(read(elements, 2, elementType, nested));
            }
            return Collections.unmodifiableList(values);
        } finally {
            array.free();
        }
    }
}
