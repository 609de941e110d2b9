package io.pgmcp.db;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The size in UTF-8 bytes of a {@link ResultTable} value written as compact JSON, exactly as the JSON
 * writer at the edge writes it (Jackson, decimals plain): {@code "}, {@code \} and the control
 * characters escaped ({@code \b \t \n \f \r}, the others as {@code \}{@code u00XX}), each UTF-16
 * surrogate (the halves of a character beyond U+FFFF) escaped as {@code \}{@code uXXXX}, everything else
 * as its UTF-8 bytes; doubles in their shortest form; decimals as plain digits. Lets
 * {@code max_result_bytes} be enforced while rows are read, without writing them. Stateless.
 */
final class JsonSize {
    /** The scale a plain decimal may have, as the JSON writer allows it. */
    static final int MAX_PLAIN_SCALE = 9999;

    private JsonSize() {}

    /**
     * @throws IllegalArgumentException for what the writer refuses too: a decimal with a scale beyond
     *                                  ±{@value #MAX_PLAIN_SCALE}
     */
    static long of(Object value) {
        return switch (value) {
            case null -> 4;
            case Boolean b -> b ? 4 : 5;
            case String s -> string(s);
            case BigDecimal d -> {
                if (Math.abs(d.scale()) > MAX_PLAIN_SCALE) {
                    throw new IllegalArgumentException(
                            "a decimal with scale " + d.scale() + " cannot be written plain");
                }
                yield d.toPlainString().length();
            }
            case Double d -> Double.toString(d).length();
            case Number n -> n.toString().length(); // Long, BigInteger
            case List<?> list -> {
                long size = 2 + Math.max(0, list.size() - 1);
                for (Object element : list) {
                    size += of(element);
                }
                yield size;
            }
            case Map<?, ?> map -> {
                long size = 2 + Math.max(0, map.size() - 1);
                for (Map.Entry<?, ?> member : map.entrySet()) {
                    size += string((String) member.getKey()) + 1 + of(member.getValue());
                }
                yield size;
            }
            default -> throw new IllegalArgumentException("not a result value: " + value.getClass().getName());
        };
    }

    private static long string(String s) {
        long size = 2;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                size += switch (c) {
                    case '"', '\\', '\b', '\t', '\n', '\f', '\r' -> 2;
                    default -> c < 0x20 ? 6 : 1;
                };
            } else if (c < 0x800) {
                size += 2;
            } else if (Character.isSurrogate(c)) {
                size += 6; // the writer escapes each half of a pair (and a lone half) as a six-character escape
            } else {
                size += 3;
            }
        }
        return size;
    }
}
