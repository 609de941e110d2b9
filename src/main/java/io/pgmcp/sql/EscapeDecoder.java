package io.pgmcp.sql;

/**
 * Decodes the escapes of {@code E'...'} (one escape at a time, while the literal is scanned, since
 * {@code \'} decides where it ends) and of {@code U&'...'}/{@code U&"..."} (after the whole body and
 * the optional UESCAPE clause are known), with PostgreSQL 15's rules and error cases.
 */
final class EscapeDecoder {
    private static final int MAX_CODE_POINT = 0x10FFFF;

    private EscapeDecoder() {}

    /**
     * Decodes the {@code E''} escape whose backslash is at {@code p} into {@code out} and returns the
     * offset just past it. The caller has checked that a character follows the backslash.
     */
    static int decodeEscape(String s, int p, LiteralBuffer out) throws LexerException {
        char c = s.charAt(p + 1);
        switch (c) {
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                int q = p + 1;
                int v = 0;
                while (q < s.length() && q < p + 4 && s.charAt(q) >= '0' && s.charAt(q) <= '7') {
                    v = v * 8 + (s.charAt(q) - '0');
                    q++;
                }
                appendByte(out, v & 0xFF, p); // PostgreSQL keeps the low byte: \400 is NUL, \777 is 0xFF
                return q;
            }
            case 'x' -> {
                int q = p + 2;
                int v = 0;
                while (q < s.length() && q < p + 4 && SqlChars.isHexDigit(s.charAt(q))) {
                    v = v * 16 + SqlChars.hexValue(s.charAt(q));
                    q++;
                }
                if (q == p + 2) {
                    out.append('x'); // "\x" without digits is just x
                } else {
                    appendByte(out, v, p);
                }
                return q;
            }
            case 'u', 'U' -> {
                return decodeUnicodeEscape(s, p, out);
            }
            default -> out.append(c); // \' \\ and any other \c mean c
        }
        return p + 2;
    }

    private static void appendByte(LiteralBuffer out, int b, int p) throws LexerException {
        if (b == 0) {
            throw new LexerException("escape at offset " + p + " produces a NUL byte, which PostgreSQL rejects", p);
        }
        out.appendRawByte(b);
    }

    private static int decodeUnicodeEscape(String s, int p, LiteralBuffer out) throws LexerException {
        long first = hexDigits(s, p);
        int q = p + escapeLength(s, p);
        if (first >= 0xD800 && first <= 0xDBFF) {
            long second = q + 1 < s.length() && s.charAt(q) == '\\' && (s.charAt(q + 1) | 0x20) == 'u'
                    ? hexDigits(s, q)
                    : -1;
            if (second < 0xDC00 || second > 0xDFFF) {
                throw new LexerException("invalid Unicode surrogate pair at offset " + p
                        + ": a high surrogate escape must be followed by a low surrogate escape", p);
            }
            out.appendCodePoint(Character.toCodePoint((char) first, (char) second));
            return q + escapeLength(s, q);
        }
        if (first >= 0xDC00 && first <= 0xDFFF) {
            throw new LexerException("invalid Unicode surrogate pair at offset " + p
                    + ": a low surrogate escape must follow a high surrogate escape", p);
        }
        if (first == 0 || first > MAX_CODE_POINT) {
            throw new LexerException("invalid Unicode escape value at offset " + p, p);
        }
        out.appendCodePoint((int) first);
        return q;
    }

    /** Value of the \\uXXXX or \\UXXXXXXXX escape at p; throws if the digits are missing. */
    private static long hexDigits(String s, int p) throws LexerException {
        int count = escapeLength(s, p) - 2;
        long v = 0;
        for (int i = 0; i < count; i++) {
            int q = p + 2 + i;
            if (q >= s.length() || !SqlChars.isHexDigit(s.charAt(q))) {
                throw new LexerException("invalid Unicode escape at offset " + p
                        + ": Unicode escapes must be \\uXXXX or \\UXXXXXXXX", p);
            }
            v = v * 16 + SqlChars.hexValue(s.charAt(q));
        }
        return v;
    }

    private static int escapeLength(String s, int p) {
        return s.charAt(p + 1) == 'u' ? 6 : 10;
    }

    /**
     * Decodes the Unicode escapes of a {@code U&} body ({@code ''} or {@code ""} already undoubled):
     * {@code <esc>XXXX}, {@code <esc>+XXXXXX}, {@code <esc><esc>}; surrogate pairs must be complete.
     */
    static String decodeUnicode(String raw, char esc, int literalStart) throws LexerException {
        if (raw.indexOf(esc) < 0) {
            return raw;
        }
        StringBuilder sb = new StringBuilder(raw.length());
        int pendingHigh = -1;
        int i = 0;
        int n = raw.length();
        while (i < n) {
            char c = raw.charAt(i);
            if (c != esc || (i + 1 < n && raw.charAt(i + 1) == esc)) {
                if (pendingHigh >= 0) {
                    throw brokenPair(literalStart);
                }
                sb.append(c);
                i += c == esc ? 2 : 1;
                continue;
            }
            int cp;
            if (hexRun(raw, i + 1, 4)) {
                cp = hex(raw, i + 1, 4);
                i += 5;
            } else if (i + 1 < n && raw.charAt(i + 1) == '+' && hexRun(raw, i + 2, 6)) {
                cp = hex(raw, i + 2, 6);
                i += 8;
            } else {
                throw new LexerException("invalid Unicode escape in the U& literal starting at offset "
                        + literalStart + ": escapes must be " + esc + "XXXX or " + esc + "+XXXXXX, and a literal "
                        + esc + " is written " + esc + esc, literalStart);
            }
            if (pendingHigh >= 0) {
                if (cp < 0xDC00 || cp > 0xDFFF) {
                    throw brokenPair(literalStart);
                }
                cp = Character.toCodePoint((char) pendingHigh, (char) cp);
                pendingHigh = -1;
            } else if (cp >= 0xD800 && cp <= 0xDBFF) {
                pendingHigh = cp;
                continue;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                throw brokenPair(literalStart);
            }
            if (cp == 0 || cp > MAX_CODE_POINT) {
                throw new LexerException("invalid Unicode escape value in the U& literal starting at offset "
                        + literalStart, literalStart);
            }
            sb.appendCodePoint(cp);
        }
        if (pendingHigh >= 0) {
            throw brokenPair(literalStart);
        }
        return sb.toString();
    }

    /** PostgreSQL's check_uescapechar: one single-byte character, not a hex digit, +, quote or space. */
    static char uescapeChar(String value, int offset) throws LexerException {
        char c = value.length() == 1 ? value.charAt(0) : 0;
        if (c == 0 || c >= 0x80 || SqlChars.isHexDigit(c) || c == '+' || c == '\'' || c == '"'
                || SqlChars.isSpace(c) || c == 0x0B) {
            throw new LexerException("invalid Unicode escape character in UESCAPE at offset " + offset
                    + ": it must be a single ASCII character other than a hex digit, +, quote or space", offset);
        }
        return c;
    }

    private static boolean hexRun(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (!SqlChars.isHexDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static int hex(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            v = v * 16 + SqlChars.hexValue(s.charAt(i));
        }
        return v;
    }

    private static LexerException brokenPair(int literalStart) {
        return new LexerException("invalid Unicode surrogate pair in the U& literal starting at offset "
                + literalStart + ": a high surrogate escape must be directly followed by a low one", literalStart);
    }
}
