package io.pgmcp.db;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text of a {@code json} or {@code jsonb} value into the typed values of a
 * {@link ResultTable}: objects as insertion-ordered maps (a repeated key keeps its first place and
 * its last value), arrays as lists, integers as {@code Long} (or {@code BigInteger} past a long),
 * other numbers as {@code BigDecimal} exactly as written (never through double, which would round
 * 0.12345678901234567890123 and turn 1e400 into infinity; trailing zeros kept), strings, booleans
 * and null. PostgreSQL has validated the text; what this refuses is what the JSON writer at the edge
 * could not write either: nesting deeper than {@value #MAX_DEPTH} levels, a number longer than
 * {@value #MAX_NUMBER_LENGTH} digits. Stateless.
 */
final class EmbeddedJson {
    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_LENGTH = 1000;

    private final String text;
    private int at;

    private EmbeddedJson(String text) {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not one JSON value, or is beyond the limits above
     */
    static Object parse(String text) {
        EmbeddedJson reader = new EmbeddedJson(text);
        Object value = reader.value(0);
        reader.skipSpace();
        if (reader.at != text.length()) {
            throw reader.error("trailing text");
        }
        return value;
    }

    private Object value(int depth) {
        skipSpace();
        if (at >= text.length()) {
            throw error("end of text");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) {
        checkDepth(depth);
        at++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("a member name");
            }
            String name = string();
            skipSpace();
            expect(':');
            members.put(name, value(depth));
            skipSpace();
            char next = peek();
            at++;
            if (next == '}') {
                return Collections.unmodifiableMap(members);
            }
            if (next != ',') {
                throw error("',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        checkDepth(depth);
        at++;
        List<Object> elements = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            at++;
            return Collections.unmodifiableList(elements);
        }
        while (true) {
            elements.add(value(depth));
            skipSpace();
            char next = peek();
            at++;
            if (next == ']') {
                return Collections.unmodifiableList(elements);
            }
            if (next != ',') {
                throw error("',' or ']'");
            }
        }
    }

    private String string() {
        at++; // the opening quote
        StringBuilder out = null;
        int start = at;
        while (true) {
            if (at >= text.length()) {
                throw error("end of text in a string");
            }
            char c = text.charAt(at);
            if (c == '"') {
                String value = out == null ? text.substring(start, at) : out.append(text, start, at).toString();
                at++;
                return value;
            }
            if (c != '\\') {
                at++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder();
            }
            out.append(text, start, at);
            if (at + 1 >= text.length()) {
                throw error("end of text in an escape");
            }
            char escaped = text.charAt(at + 1);
            at += 2;
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("end of text in a \\u escape");
                    }
                    out.append((char) Integer.parseInt(text, at, at + 4, 16));
                    at += 4;
                }
                default -> throw error("an escape");
            }
            start = at;
        }
    }

    private Object literal(String word, Boolean value) {
        if (!text.startsWith(word, at)) {
            throw error(word);
        }
        at += word.length();
        return value;
    }

    private Object number() {
        int start = at;
        boolean integer = true;
        int digits = 0;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '.' || c == 'e' || c == 'E') {
                integer = false;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else if (c != '-' && c != '+') {
                break;
            }
            at++;
        }
        if (at == start) {
            throw error("a value");
        }
        if (digits > MAX_NUMBER_LENGTH) {
            throw error("a number of at most " + MAX_NUMBER_LENGTH + " digits");
        }
        String number = text.substring(start, at);
        try {
            if (!integer) {
                return new BigDecimal(number);
            }
            BigInteger value = new BigInteger(number);
            return value.bitLength() < Long.SIZE ? (Object) value.longValue() : value;
        } catch (NumberFormatException e) {
            throw error("a number");
        }
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " levels of nesting");
        }
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("more text");
        }
        return text.charAt(at);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        at++;
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException("expected " + expected + " at character " + at);
    }
}
