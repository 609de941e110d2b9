package io.pgmcp.sql;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Accumulates the decoded content of one literal. Characters go into a StringBuilder; the first raw
 * byte from an octal or hex escape of {@code E''} (which may be half of a UTF-8 sequence) switches to
 * a UTF-8 byte buffer that is strictly decoded at the end, the way PostgreSQL verifies the bytes.
 * One instance is reused for every literal of a statement; not thread-safe.
 */
final class LiteralBuffer {
    private final StringBuilder chars = new StringBuilder(64);
    private byte[] bytes = new byte[0];
    private int byteCount;
    private boolean raw;
    private char pendingHigh;

    void reset() {
        chars.setLength(0);
        byteCount = 0;
        raw = false;
        pendingHigh = 0;
    }

    void append(char c) {
        if (raw) {
            encodeChar(c);
        } else {
            chars.append(c);
        }
    }

    void append(String s, int from, int to) {
        if (raw) {
            for (int i = from; i < to; i++) {
                encodeChar(s.charAt(i));
            }
        } else {
            chars.append(s, from, to);
        }
    }

    void appendCodePoint(int cp) {
        if (raw) {
            encodeCodePoint(cp);
        } else {
            chars.appendCodePoint(cp);
        }
    }

    /** A byte from {@code \ooo} or {@code \xhh}; 1..255 (NUL is rejected before it gets here). */
    void appendRawByte(int b) {
        if (!raw) {
            if (b < 0x80) {
                chars.append((char) b);
                return;
            }
            byte[] sofar = chars.toString().getBytes(StandardCharsets.UTF_8);
            ensure(sofar.length + 16);
            System.arraycopy(sofar, 0, bytes, 0, sofar.length);
            byteCount = sofar.length;
            raw = true;
        }
        put(b);
    }

    boolean isEmpty() {
        return raw ? byteCount == 0 : chars.isEmpty();
    }

    /** The content; throws if raw bytes were added that do not form valid UTF-8. */
    String finish() throws CharacterCodingException {
        if (!raw) {
            return chars.toString();
        }
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 0, byteCount))
                .toString();
    }

    private void encodeChar(char c) {
        if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c) && pendingHigh != 0) {
            encodeCodePoint(Character.toCodePoint(pendingHigh, c));
            pendingHigh = 0;
        } else {
            encodeCodePoint(c);
        }
    }

    private void encodeCodePoint(int cp) {
        if (cp < 0x80) {
            put(cp);
        } else if (cp < 0x800) {
            put(0xC0 | (cp >> 6));
            put(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            put(0xE0 | (cp >> 12));
            put(0x80 | ((cp >> 6) & 0x3F));
            put(0x80 | (cp & 0x3F));
        } else {
            put(0xF0 | (cp >> 18));
            put(0x80 | ((cp >> 12) & 0x3F));
            put(0x80 | ((cp >> 6) & 0x3F));
            put(0x80 | (cp & 0x3F));
        }
    }

    private void put(int b) {
        ensure(byteCount + 1);
        bytes[byteCount++] = (byte) b;
    }

    private void ensure(int capacity) {
        if (bytes.length < capacity) {
            bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
        }
    }
}
